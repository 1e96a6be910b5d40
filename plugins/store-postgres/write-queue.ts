// All writes of a handle go through one queue, one transaction at a time on a client of the pool.
// Group commit: jobs that arrive while a transaction runs share the next one, so one COMMIT (one WAL flush
// on the server: synchronous_commit is on) acknowledges many. A job that can fail on its own is undone and
// rejected alone, and the others commit:
// - a plain job (a function of the transaction) runs in its own SAVEPOINT;
// - jobs of a bulk kind (message commits, completions, reports, rendition saves) that follow one another
//   run together, a few multi-row statements for all of them. The kind rejects the jobs it can tell are
//   bad before writing anything; if a statement still fails, the group is undone and each job runs alone
//   in its own SAVEPOINT, so only the culprit fails.
//
// Every transaction first takes one transaction-level advisory lock, the same for every node: writes to
// the database are serialised. That is what keeps the event log a log: a seq is drawn from a sequence,
// and two transactions running side by side could commit a higher seq before a lower one, so that a
// follower would move its cursor past a change not yet visible and miss it for good. Serialised, seqs
// become visible in order. It also makes the limits, the credits and the idempotency keys checks that no
// other node can slip between. A batch holds the lock for a few round trips and its COMMIT.
import type pg from 'pg';
import { NowsmsError, type StatusChange } from 'nowsms';
import { all, guard } from './db.ts';
import { storeError } from './errors.ts';
import { changesJson, changesOf, notifyStatements, notifyWithChanges } from './events.ts';
import { spoilAppended, takeAppended } from './status.ts';

/** The write lock's key (pg_advisory_xact_lock): "nows" in ASCII, then 1 (the migration lock is 2). */
export const WRITE_LOCK = '1852798835, 1';
/** The channel commits that appended to the log notify (listen.ts). */
export const CHANNEL = 'nowsms_events';

export type WriteJob<T> = (tx: pg.PoolClient) => Promise<T>;

export type Outcome<T = unknown> = { ok: true; value: T } | { ok: false; error: unknown };

/** Jobs the queue may run many at a time. */
export interface BulkKind<P, R> {
  /**
   * Run these jobs, in this order, as if one after another: one outcome per job. A job failed here must
   * have written nothing. Throw when a statement fails: the queue undoes everything this call did.
   */
  runMany(tx: pg.PoolClient, jobs: P[]): Promise<Outcome<R>[]>;
  /**
   * The whole group as part of one statement that is a transaction of its own (a batch of plain
   * submissions, of completions, or of both): one round trip instead of BEGIN, statements and COMMIT.
   * Undefined when it cannot be; the batch then runs through runMany.
   */
  single?(jobs: P[], at: FragmentAt): Fragment<R> | undefined;
  /**
   * Whether this job depends on no other write waiting in the queue, and none of those on it (a plain new
   * message: no other write can name it before its commit is acknowledged). The queue runs such jobs as a
   * group of their own beside the others of a batch, on another connection: both groups can be one
   * statement each, and their round trips overlap (the write lock still orders them in the log).
   */
  independent?(job: P): boolean;
}

/** Where a fragment goes in its statement. */
export interface FragmentAt {
  /** Its first parameter's number ($n). */
  param: number;
  /** A prefix for the names of its WITH queries, unique in the statement. */
  name: string;
}

/**
 * A group's part of one statement (write-queue.ts puts it together): WITH queries that run in no set order
 * beside the other groups', so the kinds that give one must not depend on each other's writes (new plain
 * messages and completions of messages committed before do not). Each query that draws an identity value
 * (a history row's seq) reads the lock's WITH query `l` (CROSS JOIN l), so none is drawn before the write
 * lock is held.
 */
export interface Fragment<R> {
  /** Its WITH queries, each `name AS (...)`. */
  ctes: string[];
  values: unknown[];
  /** The query of the changes it appends (changesJson), which the statement returns and notifies. */
  log?: string;
  /** Expressions the statement's one row returns for it (`expr AS name`). */
  columns?: string[];
  /** One outcome per job, from the statement's one row (undefined: it returned none). */
  outcomes(row: pg.QueryResultRow | undefined): Outcome<R>[];
}

interface Pending {
  kind?: BulkKind<unknown, unknown>;
  item?: unknown;
  job?: WriteJob<unknown>;
  resolve(value: unknown): void;
  reject(reason: unknown): void;
}

const MAX_BATCH = 1000;
const BEGIN = `BEGIN; SELECT pg_advisory_xact_lock(${WRITE_LOCK})`;

export class WriteQueue {
  private pending: Pending[] = [];
  private draining: Promise<void> | undefined;
  private closed = false;
  private readonly committed = new Set<(changes?: readonly StatusChange[]) => void>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly where: string,
    /** Sent with NOTIFY, so that this handle's listener knows its own commits (it woke its followers already). */
    private readonly handleId: string,
  ) {}

  /** Call `listener` after every COMMIT of this handle that appended to the event log; returns the remover. */
  onLogAppend(listener: (changes?: readonly StatusChange[]) => void): () => void {
    this.committed.add(listener);
    return () => this.committed.delete(listener);
  }

  write<T>(job: WriteJob<T>): Promise<T> {
    return this.enqueue<T>({ job });
  }

  bulk<P, R>(kind: BulkKind<P, R>, item: P): Promise<R> {
    return this.enqueue<R>({ kind: kind as BulkKind<unknown, unknown>, item });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.draining;
  }

  private enqueue<T>(p: Omit<Pending, 'resolve' | 'reject'>): Promise<T> {
    if (this.closed) return Promise.reject(new NowsmsError('NOWSMS_ERR_STORE', `store ${this.where} is closed`));
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ ...p, resolve: resolve as (v: unknown) => void, reject });
      // Start on the next turn, so callers of this same turn (a burst of submits) share the first transaction.
      this.draining ??= new Promise<void>((r) => setImmediate(r)).then(() => this.drain());
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, MAX_BATCH);
        const ahead: Pending[] = [];
        const rest: Pending[] = [];
        for (const p of batch) (p.kind?.independent?.(p.item) ? ahead : rest).push(p);
        if (ahead.length === 0 || rest.length === 0) await this.runBatch(batch);
        else await Promise.all([this.runBatch(ahead), this.runBatch(rest)]);
      }
    } finally {
      this.draining = undefined;
    }
  }

  private async runBatch(batch: Pending[]): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
      guard(client);
    } catch (e) {
      const error = storeError(this.where, e);
      for (const p of batch) p.reject(error);
      return;
    }
    let broken: Error | undefined;
    let outcomes: Outcome[] | undefined;
    let appended = false;
    // The changes the batch appended, when its one statement could tell them (the followers then need not read).
    let told: StatusChange[] | undefined;
    try {
      // Optimistic first: every job straight in the transaction, with no savepoint (each costs two round
      // trips). A job that throws (rare: an operator's conflict, a retry of a message no longer queued) or a
      // group whose statement fails undoes the whole attempt, and the batch runs again with a savepoint per
      // job, so that only the culprit fails. Jobs are functions of the database alone: running one again
      // after a rollback does what running it once would have.
      const one = await this.oneStatement(client, batch);
      if (one) {
        ({ outcomes, changes: told } = one);
        appended = true;
      } else outcomes = (await this.attempt(client, batch, false)) ?? (await this.attempt(client, batch, true));
      if (outcomes && !appended) {
        const a = takeAppended(client);
        appended = a !== undefined;
        if (a !== undefined && a !== 'unknown') told = a;
        // The NOTIFY is part of the transaction: delivered to listeners only if it commits, once it has.
        const results = (await client.query(appended ? `${notifyStatements(CHANNEL, this.handleId, told)}; COMMIT` : 'COMMIT')) as unknown as
          pg.QueryResult | pg.QueryResult[];
        const last = Array.isArray(results) ? results.at(-1) : results;
        // COMMIT of a transaction the server had abandoned answers ROLLBACK: nothing was stored.
        if (last?.command === 'ROLLBACK')
          throw new NowsmsError('NOWSMS_ERR_STORE', `store ${this.where}: the transaction was rolled back`, { temporary: true });
      }
    } catch (e) {
      takeAppended(client);
      broken = e as Error;
      await client.query('ROLLBACK').catch(() => undefined);
      const error = storeError(this.where, e);
      for (const p of batch) p.reject(error);
      return;
    } finally {
      // A client whose connection failed is destroyed, not handed back: the next batch gets a fresh one.
      client.release(broken && !isNowsmsStatementError(broken) ? broken : undefined);
    }
    batch.forEach((p, i) => {
      const o = outcomes![i]!;
      if (o.ok) p.resolve(o.value);
      else p.reject(o.error);
    });
    // On the next turn: each job's caller goes on first (core hands its messages to a dispatcher; the HTTP
    // plug-in notes a callback URL), then the followers hear of the changes, as from another node.
    if (appended) {
      const changes = told?.length ? told : undefined;
      setImmediate(() => {
        for (const listener of this.committed) listener(changes);
      });
    }
  }

  /**
   * A batch whose every kind can be part of one statement (BulkKind.single): that statement, with the write
   * lock and the NOTIFY in it, and no transaction around it. Its jobs are grouped by kind (kinds that give a
   * fragment do not depend on each other: the order between groups is free). Undefined when the batch is not
   * such a one, or its statement failed for a reason of its own (a bad item): the normal path then finds the
   * culprit. A temporary failure (the connection) throws.
   */
  private async oneStatement(client: pg.PoolClient, batch: Pending[]): Promise<{ outcomes: Outcome[]; changes: StatusChange[] | undefined } | undefined> {
    const groups = new Map<BulkKind<unknown, unknown>, number[]>();
    for (const [i, p] of batch.entries()) {
      if (!p.kind?.single) return undefined;
      const group = groups.get(p.kind);
      if (group) group.push(i);
      else groups.set(p.kind, [i]);
    }
    const values: unknown[] = [];
    const parts: { fragment: Fragment<unknown>; jobs: number[] }[] = [];
    for (const [kind, jobs] of groups) {
      const fragment = kind.single!(
        jobs.map((i) => batch[i]!.item),
        { param: values.length + 1, name: `g${parts.length}` },
      );
      if (!fragment) return undefined;
      values.push(...fragment.values);
      parts.push({ fragment, jobs });
    }
    values.push(CHANNEL, this.handleId);
    const [channel, handle] = [`$${values.length - 1}`, `$${values.length}`];
    const logs = parts.flatMap((p) => (p.fragment.log ? [p.fragment.log] : []));
    const ctes = [`l AS MATERIALIZED (SELECT pg_advisory_xact_lock(${WRITE_LOCK}) AS locked)`, ...parts.flatMap((p) => p.fragment.ctes)];
    // Materialized: the statement reads the changes three times, and would build them each time.
    if (logs.length > 0) ctes.push(`c AS MATERIALIZED (SELECT ${changesJson(logs)} AS changes)`);
    const columns = [
      logs.length > 0 ? `${notifyWithChanges(channel, handle, 'c.changes')}, c.changes` : `pg_notify(${channel}, ${handle})`,
      ...parts.flatMap((p) => p.fragment.columns ?? []),
    ];
    const text = `WITH ${ctes.join(',\n')}\nSELECT ${columns.join(', ')} FROM l${logs.length > 0 ? ' CROSS JOIN c' : ''}`;
    let rows: pg.QueryResultRow[];
    try {
      rows = await all(client, text, values);
    } catch (e) {
      if ((e as NowsmsError).temporary) throw e;
      return undefined;
    }
    const outcomes: Outcome[] = new Array<Outcome>(batch.length);
    for (const { fragment, jobs } of parts)
      fragment.outcomes(rows[0]).forEach((o, n) => (outcomes[jobs[n]!] = o.ok ? o : { ok: false, error: storeError(this.where, o.error) }));
    return { outcomes, changes: logs.length > 0 ? changesOf((rows[0]?.changes as string | undefined) ?? '[]') : undefined };
  }

  /**
   * One try at the batch in a new transaction: the outcomes, or undefined when an optimistic try (not
   * `careful`) met a failure and was rolled back. A job alone in its batch needs no savepoint even when
   * careful: the transaction is its savepoint.
   */
  private async attempt(client: pg.PoolClient, batch: Pending[], careful: boolean): Promise<Outcome[] | undefined> {
    await client.query(BEGIN);
    const outcomes: Outcome[] = [];
    let dirty = false;
    for (let i = 0; i < batch.length;) {
      const { kind } = batch[i]!;
      if (!kind) {
        const job = batch[i]!.job!;
        if (careful && batch.length > 1) outcomes.push(await this.savepointed(client, () => job(client)));
        else {
          try {
            outcomes.push({ ok: true, value: await job(client) });
          } catch (error) {
            await client.query('ROLLBACK');
            takeAppended(client);
            if (batch.length > 1) return undefined;
            // Alone: its failure is the batch's outcome, and nothing is committed.
            await client.query(BEGIN);
            return [{ ok: false, error: storeError(this.where, error) }];
          }
        }
        i++;
      } else {
        let end = i + 1;
        while (end < batch.length && batch[end]!.kind === kind) end++;
        const group = batch.slice(i, end);
        if (careful) outcomes.push(...(await this.runGroup(client, kind, group, dirty)));
        else {
          try {
            const done = await kind.runMany(
              client,
              group.map((p) => p.item),
            );
            outcomes.push(...done.map((o): Outcome => (o.ok ? o : { ok: false, error: storeError(this.where, o.error) })));
          } catch {
            await client.query('ROLLBACK');
            takeAppended(client);
            return undefined;
          }
        }
        i = end;
      }
      dirty = true;
    }
    return outcomes;
  }

  /** A plain job in its own savepoint: undone and reported alone if it throws. */
  private async savepointed(client: pg.PoolClient, fn: () => Promise<unknown>): Promise<Outcome> {
    await client.query('SAVEPOINT job');
    let outcome: Outcome;
    try {
      outcome = { ok: true, value: await fn() };
    } catch (error) {
      outcome = { ok: false, error: storeError(this.where, error) };
    }
    // If the connection went, these throw and every job of the batch fails (temporarily).
    if (!outcome.ok) {
      await client.query('ROLLBACK TO SAVEPOINT job');
      spoilAppended(client);
    }
    await client.query('RELEASE SAVEPOINT job');
    return outcome;
  }

  private async runGroup(client: pg.PoolClient, kind: BulkKind<unknown, unknown>, group: Pending[], dirty: boolean): Promise<Outcome[]> {
    const items = group.map((p) => p.item);
    // The common case, a batch of commits and nothing else: the transaction itself is the savepoint.
    if (dirty) await client.query('SAVEPOINT bulk');
    try {
      const outcomes = await kind.runMany(client, items);
      if (dirty) await client.query('RELEASE SAVEPOINT bulk');
      return outcomes.map((o) => (o.ok ? o : { ok: false, error: storeError(this.where, o.error) }));
    } catch (error) {
      if (dirty) {
        await client.query('ROLLBACK TO SAVEPOINT bulk; RELEASE SAVEPOINT bulk');
        spoilAppended(client);
      } else {
        await client.query(`ROLLBACK; ${BEGIN}`);
        takeAppended(client);
      }
      if (items.length === 1) return [{ ok: false, error: storeError(this.where, error) }];
    }
    // Some job of the group made a statement fail: run each alone, so that only the culprit fails.
    const outcomes: Outcome[] = [];
    for (const item of items) {
      outcomes.push(
        await this.savepointed(client, async () => {
          const [o] = await kind.runMany(client, [item]);
          if (!o!.ok) throw o!.error;
          return o!.value;
        }),
      );
    }
    return outcomes;
  }
}

/** A failure of our own making (a NowsmsError thrown by a job), which leaves the connection usable. */
function isNowsmsStatementError(e: Error): boolean {
  return e instanceof NowsmsError && !e.temporary;
}
