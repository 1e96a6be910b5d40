// All writes go through one queue on the writer connection, so transactions never interleave.
// Group commit: jobs that arrive while a transaction runs share the next one. A transaction's jobs are
// resolved only once the WAL is synced after its COMMIT (Db.sync); the next transaction does not wait for
// that sync, and the commits made while one sync runs share the next (one fsync for many messages). A job that can fail on its own is undone and rejected alone, and the others commit:
// - a plain job (a function of the transaction) runs in its own SAVEPOINT;
// - jobs of a bulk kind (message commits, rendition saves) that follow one another in the queue run
//   together, a few multi-row statements for all of them, with no savepoint each. The kind rejects the
//   jobs it can tell are bad before writing anything for them (a user over a limit); if a statement still
//   fails, the group is undone and each of its jobs runs alone in its own SAVEPOINT, so only the culprit fails.
import { NowsmsError, type StatusChange } from 'nowsms';
import { beginImmediate } from './connection.ts';
import { storeError, type Db, type Sql } from './sqlite.ts';
import { spoilAppended, takeAppended } from './status.ts';

export type WriteJob<T> = (tx: Sql) => Promise<T>;

export type Outcome<T = unknown> = { ok: true; value: T } | { ok: false; error: unknown };

/** Jobs the queue may run many at a time. */
export interface BulkKind<P, R> {
  /**
   * Run these jobs, in this order, as if one after another: one outcome per job. A job failed here must
   * have written nothing. Throw when a statement fails: the queue undoes everything this call did.
   */
  runMany(tx: Sql, jobs: P[]): Promise<Outcome<R>[]>;
}

interface Pending {
  /** Set for a bulk job, whose payload is `item`; unset for a plain job. */
  kind?: BulkKind<unknown, unknown>;
  item?: unknown;
  job?: WriteJob<unknown>;
  resolve(value: unknown): void;
  reject(reason: unknown): void;
}

// Bounds how long the first caller of a batch waits behind the others, and the size of one transaction.
const MAX_BATCH = 1000;

export class WriteQueue {
  private pending: Pending[] = [];
  private draining: Promise<void> | undefined;
  private closed = false;
  private readonly committed = new Set<(changes?: readonly StatusChange[]) => void>();
  /** Commits whose jobs wait for the WAL sync. */
  private readonly syncing = new Set<Promise<void>>();
  /** The newest of them; it never rejects (its jobs do). */
  private lastSync: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly busyTimeoutMs: number,
  ) {}

  /**
   * Call `listener` after every COMMIT that appended to the event log (it wakes the followers), with the
   * changes when every write of the transaction told them; returns the remover.
   */
  onLogAppend(listener: (changes?: readonly StatusChange[]) => void): () => void {
    this.committed.add(listener);
    return () => this.committed.delete(listener);
  }

  /** Resolves with the job's result only after the COMMIT that holds it has returned. */
  write<T>(job: WriteJob<T>): Promise<T> {
    return this.enqueue<T>({ job });
  }

  /** Like write, for a job of a bulk kind: consecutive jobs of one kind run together. */
  bulk<P, R>(kind: BulkKind<P, R>, item: P): Promise<R> {
    return this.enqueue<R>({ kind: kind as BulkKind<unknown, unknown>, item });
  }

  /** Refuses new jobs and waits for the queued ones. */
  async close(): Promise<void> {
    this.closed = true;
    await this.draining;
    await Promise.all(this.syncing);
  }

  private enqueue<T>(p: Omit<Pending, 'resolve' | 'reject'>): Promise<T> {
    if (this.closed) return Promise.reject(new NowsmsError('NOWSMS_ERR_STORE', `store ${this.db.file} is closed`));
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ ...p, resolve: resolve as (v: unknown) => void, reject });
      // Start on the next turn, so callers of this same turn (a burst of submits) share the first transaction too.
      this.draining ??= new Promise<void>((r) => setImmediate(r)).then(() => this.drain());
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        // Jobs that arrive while the disk syncs the last commit would wait for the next sync anyway: they
        // gather meanwhile and share one transaction, which costs far less than one each.
        await this.lastSync;
        await this.runBatch(this.pending.splice(0, MAX_BATCH));
      }
    } finally {
      this.draining = undefined;
    }
  }

  private async runBatch(batch: Pending[]): Promise<void> {
    const { db } = this;
    try {
      await beginImmediate(db, this.busyTimeoutMs);
    } catch (e) {
      for (const p of batch) p.reject(e);
      return;
    }
    const outcomes: Outcome[] = [];
    try {
      // Whether the transaction holds work already: undoing a failed group then needs a savepoint.
      let dirty = false;
      for (let i = 0; i < batch.length;) {
        const { kind } = batch[i]!;
        if (!kind) {
          const job = batch[i]!.job!;
          outcomes.push(await this.savepointed(() => job(db)));
          i++;
        } else {
          let end = i + 1;
          while (end < batch.length && batch[end]!.kind === kind) end++;
          outcomes.push(...(await this.runGroup(kind, batch.slice(i, end), dirty)));
          i = end;
        }
        dirty = true;
      }
      await db.run('COMMIT');
    } catch (e) {
      takeAppended(db);
      await db.run('ROLLBACK').catch(() => undefined);
      for (const p of batch) p.reject(e);
      return;
    }
    const appended = takeAppended(db);
    // Not awaited: the next batch runs while the disk syncs this one.
    const synced = db.sync().then(
      () => {
        batch.forEach((p, i) => {
          const o = outcomes[i]!;
          if (o.ok) p.resolve(o.value);
          else p.reject(o.error);
        });
        // Commits that wrote no history (leases, cursors) wake nobody: a follower's read would find nothing.
        // On the next turn: each job's caller goes on first (core hands its messages to a dispatcher; the
        // HTTP plug-in notes a callback URL), then the followers hear of the changes.
        if (appended) {
          const changes = appended === 'unknown' ? undefined : appended;
          setImmediate(() => {
            for (const listener of this.committed) listener(changes);
          });
        }
      },
      // Committed, but not known to be on the disk: nobody may be told it is stored (a sender retries).
      (e: unknown) => {
        for (const p of batch) p.reject(e);
      },
    );
    this.syncing.add(synced);
    this.lastSync = synced;
    void synced.finally(() => {
      this.syncing.delete(synced);
      if (this.lastSync === synced) this.lastSync = undefined;
    });
  }

  /** A plain job in its own savepoint: undone and reported alone if it throws. */
  private async savepointed(fn: () => Promise<unknown>): Promise<Outcome> {
    const { db } = this;
    await db.run('SAVEPOINT job');
    let outcome: Outcome;
    try {
      outcome = { ok: true, value: await fn() };
    } catch (error) {
      outcome = { ok: false, error: storeError(db.file, error) };
    }
    // If SQLite already abandoned the whole transaction (disk full, I/O error), these throw and every job fails.
    if (!outcome.ok) {
      await db.run('ROLLBACK TO job');
      spoilAppended(db);
    }
    await db.run('RELEASE job');
    return outcome;
  }

  private async runGroup(kind: BulkKind<unknown, unknown>, group: Pending[], dirty: boolean): Promise<Outcome[]> {
    const { db } = this;
    const items = group.map((p) => p.item);
    // The common case, a batch of commits and nothing else: the transaction itself is the savepoint.
    if (dirty) await db.run('SAVEPOINT bulk');
    try {
      const outcomes = await kind.runMany(db, items);
      if (dirty) await db.run('RELEASE bulk');
      return outcomes.map((o) => (o.ok ? o : { ok: false, error: storeError(db.file, o.error) }));
    } catch (error) {
      // Undo the group. If SQLite already abandoned the transaction, report what made it do so.
      if (dirty) await undo(db, ['ROLLBACK TO bulk', 'RELEASE bulk'], error);
      else {
        await db.run('ROLLBACK').catch(() => undefined);
        await db.run('BEGIN IMMEDIATE');
      }
      spoilAppended(db);
      if (items.length === 1) return [{ ok: false, error: storeError(db.file, error) }];
    }
    // Some job of the group made a statement fail: run each alone, so that only the culprit fails.
    const outcomes: Outcome[] = [];
    for (const item of items) {
      outcomes.push(
        await this.savepointed(async () => {
          const [o] = await kind.runMany(db, [item]);
          if (!o!.ok) throw o!.error;
          return o!.value;
        }),
      );
    }
    return outcomes;
  }
}

async function undo(db: Db, statements: string[], cause: unknown): Promise<void> {
  try {
    for (const s of statements) await db.run(s);
  } catch {
    throw storeError(db.file, cause);
  }
}
