// The SQLite connection (better-sqlite3) behind the store's promise-shaped SQL interface, and the mapping
// of SQLite failures to coded errors.
//
// Statements run synchronously on the event loop: a statement of this store takes microseconds, far less
// than a trip through a thread pool and back would. What takes long is the disk, and that stays off the
// event loop: the writer commits with synchronous = NORMAL (the WAL is written, not synced) and `sync()`
// then syncs the WAL file on libuv's thread pool before anything is acknowledged (see connection.ts).
//
// Every statement is prepared once per connection and kept (a bounded LRU keyed by its SQL text), so
// SQLite does not compile the same SQL again for every message.
import { closeSync, fdatasync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
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
  /**
   * Resolves once everything committed before the call is on the disk (the WAL file synced): what a
   * commit with synchronous = FULL would have waited for, without holding the event loop meanwhile.
   * Calls made while a sync runs share the next one.
   */
  sync(): Promise<void>;
  close(): Promise<void>;
}

// NULL is what the schema means by a missing value.
const bind = (params: Param[] = []) => params.map((p) => (p === undefined ? null : p));

/**
 * Statements kept per connection. The multi-row INSERTs of a group commit have one shape per row count
 * (chunked at 100 rows), so this is enough for every shape in use plus the fixed statements.
 */
const MAX_STATEMENTS = 400;

export async function openDb(file: string, mode: 'readwrite' | 'readonly'): Promise<Db> {
  let db: Database.Database;
  try {
    // The busy timeout is set by the caller (connection.ts), first thing.
    db = new Database(file, { readonly: mode === 'readonly', fileMustExist: mode === 'readonly', timeout: 0 });
  } catch (e) {
    throw storeError(file, e);
  }
  return wrap(file, db);
}

function wrap(file: string, db: Database.Database): Db {
  // A Map iterates in insertion order: re-inserting on use makes the first key the least recently used.
  const cache = new Map<string, Database.Statement>();
  let closed = false;

  const statement = (sql: string): Database.Statement => {
    const hit = cache.get(sql);
    if (hit) {
      cache.delete(sql);
      cache.set(sql, hit);
      return hit;
    }
    const stmt = db.prepare(sql);
    cache.set(sql, stmt);
    // An evicted statement is finalized when it is garbage-collected.
    if (cache.size > MAX_STATEMENTS) cache.delete(cache.keys().next().value as string);
    return stmt;
  };

  /** Runs `fn` on the kept statement for `sql`, errors mapped to NOWSMS_ERR_STORE. */
  const call = <T>(sql: string, fn: (stmt: Database.Statement) => T): Promise<T> => {
    if (closed) return Promise.reject(new NowsmsError('NOWSMS_ERR_STORE', `store ${file} is closed`));
    try {
      return Promise.resolve(fn(statement(sql)));
    } catch (e) {
      return Promise.reject(storeError(file, e, sql));
    }
  };

  const rows = <T>(stmt: Database.Statement, params?: Param[]): T[] => {
    // A statement that returns no rows (a PRAGMA that sets) is run; it has no rows to give.
    if (!stmt.reader) {
      stmt.run(...bind(params));
      return [];
    }
    return stmt.all(...bind(params)) as T[];
  };

  const wal = new WalSync(`${file}-wal`);

  return {
    file,
    run: (sql, params) =>
      call(sql, (stmt) => {
        const info = stmt.run(...bind(params));
        return { changes: info.changes, lastID: Number(info.lastInsertRowid) };
      }),
    get: <T>(sql: string, params?: Param[]) => call(sql, (stmt) => rows<T>(stmt, params)[0]),
    all: <T>(sql: string, params?: Param[]) => call(sql, (stmt) => rows<T>(stmt, params)),
    exec: (sql) => {
      if (closed) return Promise.reject(new NowsmsError('NOWSMS_ERR_STORE', `store ${file} is closed`));
      try {
        db.exec(sql);
        return Promise.resolve();
      } catch (e) {
        return Promise.reject(storeError(file, e, sql));
      }
    },
    sync: () =>
      closed
        ? Promise.reject(new NowsmsError('NOWSMS_ERR_STORE', `store ${file} is closed`))
        : wal.sync().catch((e: unknown) => Promise.reject(storeError(file, e))),
    close: async () => {
      if (closed) return;
      closed = true;
      await wal.close();
      cache.clear();
      try {
        db.close();
      } catch (e) {
        throw storeError(file, e);
      }
    },
  };
}

/** fdatasync of the WAL file, pipelined: one runs at a time, and callers arriving meanwhile share the next. */
class WalSync {
  private fd: number | undefined;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  constructor(private readonly path: string) {}

  sync(): Promise<void> {
    // A sync that started before the caller's commit may have missed it: wait for the next one.
    if (this.running) {
      this.queued ??= this.running
        .catch(() => undefined)
        .then(() => {
          this.queued = undefined;
          return this.sync();
        });
      return this.queued;
    }
    this.running = this.fdatasync().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async fdatasync(): Promise<void> {
    // Opened on first use: the WAL file exists once something was written. fsync acts on the file, not the
    // descriptor, so this one covers what SQLite's own descriptor wrote.
    if (this.fd === undefined) {
      try {
        this.fd = openSync(this.path, 'r');
      } catch (e) {
        // No WAL file: no commit has written anything to sync.
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw e;
      }
    }
    const fd = this.fd;
    await new Promise<void>((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.running, this.queued]);
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

// Worth a retry by the sender (SMTP 4xx): another process holds the lock, or the disk is full or failing.
// better-sqlite3 names extended codes (SQLITE_BUSY_SNAPSHOT, SQLITE_IOERR_WRITE): the primary code decides.
const TEMPORARY = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_CANTOPEN', 'SQLITE_NOMEM']);

/** SQLITE_BUSY for SQLITE_BUSY_SNAPSHOT. */
export const primaryCode = (code: string | undefined): string | undefined => code?.split('_').slice(0, 2).join('_');

export function storeError(file: string, err: unknown, sql?: string): NowsmsError {
  if (isNowsmsError(err)) return err;
  const e = err as Error & { code?: string };
  const where = sql ? ` (while running: ${sql.trim().split('\n')[0]})` : '';
  const code = primaryCode(e.code);
  return new NowsmsError('NOWSMS_ERR_STORE', `store ${file}: ${e.message}${where}`, {
    temporary: (code !== undefined && TEMPORARY.has(code)) || e.code === 'ENOSPC' || e.code === 'EIO',
    cause: err,
  });
}
