// Reads go through the reader connection, each batch inside one read transaction: a WAL snapshot, so a
// read of several statements (a message, its parts, its history) never sees a half-done write.
// A batch starts only after the previous one ends, so a read issued after a commit resolved sees it.
import { NowsmsError } from 'nowsms';
import type { Db, Sql } from './sqlite.ts';

export type ReadJob<T> = (sql: Sql) => Promise<T>;

export interface ReadOptions {
  /**
   * The job runs exactly one statement. A statement is a snapshot on its own, so a batch made only of such
   * jobs skips BEGIN and COMMIT: one trip to SQLite instead of three.
   */
  single?: boolean;
}

interface Pending {
  job: ReadJob<unknown>;
  single: boolean;
  resolve(value: unknown): void;
  reject(reason: unknown): void;
}

export class ReadQueue {
  private pending: Pending[] = [];
  private draining: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly db: Db) {}

  get isClosed(): boolean {
    return this.closed;
  }

  /** The error every call on a closed store gets. */
  closedError(): NowsmsError {
    return new NowsmsError('NOWSMS_ERR_STORE', `store ${this.db.file} is closed`);
  }

  read<T>(job: ReadJob<T>, opts: ReadOptions = {}): Promise<T> {
    if (this.closed) return Promise.reject(this.closedError());
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ job, single: opts.single ?? false, resolve: resolve as (v: unknown) => void, reject });
      this.draining ??= Promise.resolve().then(() => this.drain());
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) await this.runBatch(this.pending.splice(0));
    } finally {
      this.draining = undefined;
    }
  }

  private async runBatch(batch: Pending[]): Promise<void> {
    const snapshot = batch.some((p) => !p.single);
    if (snapshot) {
      try {
        await this.db.run('BEGIN');
      } catch (e) {
        for (const p of batch) p.reject(e);
        return;
      }
    }
    for (const p of batch) {
      try {
        p.resolve(await p.job(this.db));
      } catch (e) {
        p.reject(e);
      }
    }
    if (snapshot) await this.db.run('COMMIT').catch(() => this.db.run('ROLLBACK').catch(() => undefined));
  }
}
