// Promise helpers over the sqlite3 callback API, and the mapping of SQLite failures to coded errors.
//
// Every statement is prepared once per connection and kept (a bounded LRU keyed by its SQL text), so a
// call costs one trip through libuv's thread pool instead of two (prepare, then step) and SQLite does not
// compile the same SQL again for every message.
import sqlite3 from 'sqlite3';
import { NowsmsError, isNowsmsError } from 'nowsms';

export type Param = string | number | bigint | Buffer | null | undefined;

/** What a job sees of a connection: enough SQL to read and write, nothing to open or close. */
export interface Sql {
  run(sql: string, params?: Param[]): Promise<{ changes: number; lastID: number }>;
  /** The first row. Use it for statements that return at most one row: the statement is always run to its end. */
  get<T>(sql: string, params?: Param[]): Promise<T | undefined>;
  all<T>(sql: string, params?: Param[]): Promise<T[]>;
  /** Several statements without parameters, not cached (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Sql {
  readonly file: string;
  close(): Promise<void>;
}

// node-sqlite3 binds undefined inconsistently across versions; NULL is what the schema means.
const bind = (params: Param[] = []) => params.map((p) => (p === undefined ? null : p));

/**
 * Statements kept per connection. The multi-row INSERTs of a group commit have one shape per row count
 * (chunked at 100 rows), so this is enough for every shape in use plus the fixed statements.
 */
const MAX_STATEMENTS = 400;

export function openDb(file: string, mode: 'readwrite' | 'readonly'): Promise<Db> {
  const flags = mode === 'readonly' ? sqlite3.OPEN_READONLY : sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE;
  return new Promise((resolve, reject) => {
    const db: sqlite3.Database = new sqlite3.Database(file, flags, (err) => {
      if (err) reject(storeError(file, err));
      else resolve(wrap(file, db));
    });
  });
}

interface Cached {
  stmt: sqlite3.Statement;
  /**
   * Calls not answered yet. If preparing fails, node-sqlite3 drops the calls queued on the statement
   * without calling them back: the prepare callback rejects them instead.
   */
  waiting: Set<(err: Error) => void>;
}

function wrap(file: string, db: sqlite3.Database): Db {
  const fail = (sql: string, err: Error) => storeError(file, err, sql);
  // A Map iterates in insertion order: re-inserting on use makes the first key the least recently used.
  const cache = new Map<string, Cached>();
  let closed = false;

  const statement = (sql: string): Cached => {
    const hit = cache.get(sql);
    if (hit) {
      cache.delete(sql);
      cache.set(sql, hit);
      return hit;
    }
    const entry: Cached = {
      waiting: new Set(),
      // The callback is called only when preparing fails.
      stmt: db.prepare(sql, (err: Error | null) => {
        if (!err) return;
        if (cache.get(sql) === entry) cache.delete(sql);
        for (const reject of entry.waiting) reject(err);
        entry.waiting.clear();
      }),
    };
    cache.set(sql, entry);
    if (cache.size > MAX_STATEMENTS) {
      const [oldest, evicted] = cache.entries().next().value as [string, Cached];
      cache.delete(oldest);
      // Runs after any call still queued on it.
      evicted.stmt.finalize();
    }
    return entry;
  };

  /** Runs `start` on the kept statement for `sql`: its callback settles the promise (errors mapped to NOWSMS_ERR_STORE). */
  const call = <T>(sql: string, start: (stmt: sqlite3.Statement, cb: (err: Error | null, value?: T) => void) => void): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (closed) return reject(new NowsmsError('NOWSMS_ERR_STORE', `store ${file} is closed`));
      const c = statement(sql);
      const rejectWith = (err: Error) => reject(fail(sql, err));
      c.waiting.add(rejectWith);
      start(c.stmt, (err, value) => {
        c.waiting.delete(rejectWith);
        if (err) rejectWith(err);
        else resolve(value as T);
      });
    });

  return {
    file,
    run: (sql, params) =>
      call(sql, (stmt, cb) =>
        stmt.run(bind(params), function (this: sqlite3.RunResult, err: Error | null) {
          cb(err, { changes: this.changes, lastID: this.lastID });
        }),
      ),
    // all, not get: Statement#get leaves the statement open (and with it the read transaction) until it is reset.
    get: <T>(sql: string, params?: Param[]) => call<T[]>(sql, (stmt, cb) => stmt.all<T>(bind(params), cb)).then((rows) => rows[0]),
    all: <T>(sql: string, params?: Param[]) => call<T[]>(sql, (stmt, cb) => stmt.all<T>(bind(params), cb)),
    exec: (sql) =>
      new Promise((resolve, reject) => {
        db.exec(sql, (err: Error | null) => (err ? reject(fail(sql, err)) : resolve()));
      }),
    close: async () => {
      closed = true;
      // sqlite3_close refuses while any statement is left unfinalized.
      const stmts = [...cache.values()].map((c) => c.stmt);
      cache.clear();
      await Promise.all(stmts.map((s) => new Promise<void>((resolve) => s.finalize(() => resolve()))));
      await new Promise<void>((resolve, reject) => {
        db.close((err) => (err ? reject(storeError(file, err)) : resolve()));
      });
    },
  };
}

// Worth a retry by the sender (SMTP 4xx): another process holds the lock, or the disk is full or failing.
const TEMPORARY = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_CANTOPEN', 'SQLITE_NOMEM']);

export function storeError(file: string, err: unknown, sql?: string): NowsmsError {
  if (isNowsmsError(err)) return err;
  const e = err as Error & { code?: string };
  const where = sql ? ` (while running: ${sql.trim().split('\n')[0]})` : '';
  return new NowsmsError('NOWSMS_ERR_STORE', `store ${file}: ${e.message}${where}`, {
    temporary: e.code !== undefined && TEMPORARY.has(e.code),
    cause: err,
  });
}
