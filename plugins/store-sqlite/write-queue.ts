// All writes go through one queue on the writer connection, so transactions never interleave.
// Group commit: jobs that arrive while a transaction runs share the next one (one fsync for many
// messages); each runs in its own SAVEPOINT so a job that throws is undone and rejected alone.
import { NowsmsError } from '../../core/index.ts';
import { storeError, type Db, type Sql } from './sqlite.ts';

export type WriteJob<T> = (tx: Sql) => Promise<T>;

interface Pending {
  job: WriteJob<unknown>;
  resolve(value: unknown): void;
  reject(reason: unknown): void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

// Bounds how long the first caller of a batch waits behind the others, and the size of one transaction.
const MAX_BATCH = 1000;

export class WriteQueue {
  private pending: Pending[] = [];
  private draining: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly db: Db) {}

  /** Resolves with the job's result only after the COMMIT that holds it has returned. */
  write<T>(job: WriteJob<T>): Promise<T> {
    if (this.closed) return Promise.reject(new NowsmsError('NOWSMS_ERR_STORE', `store ${this.db.file} is closed`));
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ job, resolve: resolve as (v: unknown) => void, reject });
      // Start on the next turn, so callers of this same turn (a burst of submits) share the first transaction too.
      this.draining ??= new Promise<void>((r) => setImmediate(r)).then(() => this.drain());
    });
  }

  /** Refuses new jobs and waits for the queued ones. */
  async close(): Promise<void> {
    this.closed = true;
    await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) await this.runBatch(this.pending.splice(0, MAX_BATCH));
    } finally {
      this.draining = undefined;
    }
  }

  private async runBatch(batch: Pending[]): Promise<void> {
    const { db } = this;
    const outcomes: Outcome[] = [];
    try {
      // IMMEDIATE takes the write lock up front (waiting busy_timeout for another process), so no job fails midway on it.
      await db.run('BEGIN IMMEDIATE');
    } catch (e) {
      for (const p of batch) p.reject(e);
      return;
    }
    try {
      for (const p of batch) {
        await db.run('SAVEPOINT job');
        let outcome: Outcome;
        try {
          outcome = { ok: true, value: await p.job(db) };
        } catch (error) {
          outcome = { ok: false, error: storeError(db.file, error) };
        }
        // If SQLite already abandoned the whole transaction (disk full, I/O error), these throw and every job fails below.
        if (!outcome.ok) await db.run('ROLLBACK TO job');
        await db.run('RELEASE job');
        outcomes.push(outcome);
      }
      await db.run('COMMIT');
    } catch (e) {
      await db.run('ROLLBACK').catch(() => undefined);
      for (const p of batch) p.reject(e);
      return;
    }
    batch.forEach((p, i) => {
      const o = outcomes[i]!;
      if (o.ok) p.resolve(o.value);
      else p.reject(o.error);
    });
  }
}
