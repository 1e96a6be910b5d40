// Promise helpers over the sqlite3 callback API, and the mapping of SQLite failures to coded errors.
import sqlite3 from 'sqlite3';
import { NowsmsError, isNowsmsError } from '../../core/index.ts';

export type Param = string | number | bigint | Buffer | null | undefined;

/** What a job sees of a connection: enough SQL to read and write, nothing to open or close. */
export interface Sql {
  run(sql: string, params?: Param[]): Promise<{ changes: number; lastID: number }>;
  get<T>(sql: string, params?: Param[]): Promise<T | undefined>;
  all<T>(sql: string, params?: Param[]): Promise<T[]>;
  exec(sql: string): Promise<void>;
}

export interface Db extends Sql {
  readonly file: string;
  close(): Promise<void>;
}

// node-sqlite3 binds undefined inconsistently across versions; NULL is what the schema means.
const bind = (params: Param[] = []) => params.map((p) => (p === undefined ? null : p));

export function openDb(file: string, mode: 'readwrite' | 'readonly'): Promise<Db> {
  const flags = mode === 'readonly' ? sqlite3.OPEN_READONLY : sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE;
  return new Promise((resolve, reject) => {
    const db: sqlite3.Database = new sqlite3.Database(file, flags, (err) => {
      if (err) reject(storeError(file, err));
      else resolve(wrap(file, db));
    });
  });
}

function wrap(file: string, db: sqlite3.Database): Db {
  const fail = (sql: string, err: Error) => storeError(file, err, sql);
  return {
    file,
    run: (sql, params) =>
      new Promise((resolve, reject) => {
        db.run(sql, bind(params), function (this: sqlite3.RunResult, err: Error | null) {
          if (err) reject(fail(sql, err));
          else resolve({ changes: this.changes, lastID: this.lastID });
        });
      }),
    get: <T>(sql: string, params?: Param[]) =>
      new Promise<T | undefined>((resolve, reject) => {
        db.get<T>(sql, bind(params), (err: Error | null, row: T) => (err ? reject(fail(sql, err)) : resolve(row)));
      }),
    all: <T>(sql: string, params?: Param[]) =>
      new Promise<T[]>((resolve, reject) => {
        db.all<T>(sql, bind(params), (err: Error | null, rows: T[]) => (err ? reject(fail(sql, err)) : resolve(rows)));
      }),
    exec: (sql) =>
      new Promise((resolve, reject) => {
        db.exec(sql, (err: Error | null) => (err ? reject(fail(sql, err)) : resolve()));
      }),
    close: () =>
      new Promise((resolve, reject) => {
        db.close((err) => (err ? reject(storeError(file, err)) : resolve()));
      }),
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
