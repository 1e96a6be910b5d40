// Accepted submissions, inside the write transaction: the charges, then every message with its parts, its
// route (mailbox row or queue row) and its first status. A group commit writes the submissions of all its
// jobs with one multi-row INSERT per table (unnest of one array per column).
import type pg from 'pg';
import type { CommitItem, Committed, UsageCharge } from 'nowsms';
import { insertAll, insertFragment, type Column, type Insert } from './bulk.ts';
import { Charges } from './charge.ts';
import { all, run, type Sql } from './db.ts';
import { withSeqs } from '../store-common/changes.ts';
import { add, noRows, rowsOf, type Rows } from '../store-common/commit-rows.ts';
import { HISTORY_COLUMNS, noteAppended } from './status.ts';
import type { BulkKind, Outcome } from './write-queue.ts';

export interface CommitJob {
  items: CommitItem[];
  charge: UsageCharge | undefined;
  /** This store's node: the owner of a queue entry stored leased (CommitItem.leasedUntil). */
  node: string;
}

export interface CommitResult {
  /** Users whose credit balance the commit changed. */
  credited: string[];
  committed: Committed[];
}

const MESSAGE_COLUMNS: readonly Column[] = [
  ['id', 'text'],
  ['direction', 'text'],
  ['kind', 'text'],
  ['from_addr', 'text'],
  ['to_addr', 'text'],
  ['subject', 'text'],
  ['user_name', 'text'],
  ['via', 'text'],
  ['received_at', 'int8'],
  ['meta', 'text'],
  ['status', 'text'],
  ['target', 'text'],
  ['idempotency_key', 'text'],
];
const PART_COLUMNS: readonly Column[] = [
  ['message_id', 'text'],
  ['idx', 'int4'],
  ['content_type', 'text'],
  ['name', 'text'],
  ['content_id', 'text'],
  ['data', 'bytea'],
];
const MAILBOX_COLUMNS: readonly Column[] = [
  ['user_name', 'text'],
  ['uid', 'text'],
  ['message_id', 'text'],
  ['added_at', 'int8'],
];
const QUEUE_COLUMNS: readonly Column[] = [
  ['message_id', 'text'],
  ['connection_id', 'text'],
  ['attempts', 'int4'],
  ['next_attempt_at', 'int8'],
  ['leased_until', 'int8'],
  ['leased_by', 'text'],
];

export const commitKind: BulkKind<CommitJob, CommitResult> = {
  async runMany(tx: pg.PoolClient, jobs) {
    const now = Date.now();
    const outcomes: Outcome<CommitResult>[] = [];
    const charges = jobs.some((j) => j.charge)
      ? await Charges.load(
          tx,
          jobs.map((j) => j.charge),
          new Date(now),
        )
      : undefined;
    const rows: Rows = noRows();
    // Keys already stored, and those this group stores (the same key twice in one group is one message too).
    // The write lock (write-queue.ts) keeps another node from storing one of them before this COMMIT.
    const stored = await storedKeys(tx, jobs);
    for (const job of jobs) {
      try {
        const mine = new Map<string, string>();
        const fresh: CommitItem[] = [];
        const committed = job.items.map((item): Committed => {
          const key = item.idempotencyKey;
          const earlier = key === undefined ? undefined : (stored.get(key) ?? mine.get(key));
          if (earlier === undefined) {
            if (key !== undefined) mine.set(key, item.message.id);
            fresh.push(item);
            return { id: item.message.id, duplicate: false };
          }
          return { id: earlier, duplicate: true };
        });
        const jobRows = fresh.map((item) => rowsOf(item, now, job.node));
        if (job.charge) charges!.check(job.charge);
        charges?.count(fresh.map((i) => i.message));
        // A duplicate's segments were joined again: they go, as the first commit's did.
        job.items.forEach((item, i) => {
          if (committed[i]!.duplicate && item.consumesSegments !== undefined) rows.segments.push(item.consumesSegments);
        });
        for (const [key, id] of mine) stored.set(key, id);
        add(rows, jobRows);
        outcomes.push({ ok: true, value: { credited: [], committed } });
      } catch (error) {
        outcomes.push({ ok: false, error });
      }
    }
    // Every table in one statement: one round trip for the whole group. The history rows' ids are the
    // changes' seqs, so the followers are told them (withSeqs: none told if they do not tally).
    const seqs = await insertAll(tx, tables(rows), 'status_history');
    if (rows.history.length > 0) noteAppended(tx, withSeqs(rows.changes, seqs));
    if (rows.segments.length > 0) {
      await run(
        tx,
        `WITH gone AS (DELETE FROM segments WHERE key = ANY($1::text[]) RETURNING idempotency_key)
         INSERT INTO consumed_segments (idempotency_key, consumed_at)
         SELECT DISTINCT idempotency_key, $2::int8 FROM gone WHERE idempotency_key IS NOT NULL ON CONFLICT DO NOTHING`,
        [rows.segments, now],
      );
    }
    if (charges) {
      const credited = new Set(await charges.apply(tx));
      jobs.forEach((job, i) => {
        const o = outcomes[i]!;
        if (o.ok && job.charge && credited.has(job.charge.user)) o.value.credited.push(job.charge.user);
      });
    }
    return outcomes;
  },
};

/** A plain submission: no charge, no idempotency key, no segments to drop; rows to insert and nothing else. */
const plain = (j: CommitJob) => !j.charge && j.items.every((i) => i.idempotencyKey === undefined && i.consumesSegments === undefined);

/** A group of plain submissions: nothing to read first, so the write queue stores it in one statement. */
commitKind.single = (jobs, at) => {
  if (!jobs.every(plain)) return undefined;
  const now = Date.now();
  const rows: Rows = noRows();
  try {
    add(
      rows,
      jobs.flatMap((j) => j.items.map((item) => rowsOf(item, now, j.node))),
    );
  } catch {
    return undefined; // a target that cannot be stored: runMany fails that job alone
  }
  return {
    ...insertFragment(tables(rows), at, {
      history: 'status_history',
      about: [rows.changes.map((c) => c.direction), rows.changes.map((c) => c.via ?? null), rows.changes.map((c) => c.user ?? null)],
    }),
    outcomes: () => jobs.map((j) => ({ ok: true, value: { credited: [], committed: j.items.map((i) => ({ id: i.message.id, duplicate: false })) } })),
  };
};

// A plain submission's messages are new and touch nothing shared; one that drops segments, carries an
// idempotency key or charges a user is ordered with the writes around it. So is a user's MT message, charged
// or not: a later charge of that user counts it against the limits, so it must be in the table first.
commitKind.independent = (j) => plain(j) && j.items.every((i) => i.message.direction !== 'MT' || i.message.user === undefined);

function tables(rows: Rows): Insert[] {
  return [
    { table: 'messages', columns: MESSAGE_COLUMNS, rows: rows.messages },
    { table: 'parts', columns: PART_COLUMNS, rows: rows.parts },
    { table: 'mailbox', columns: MAILBOX_COLUMNS, rows: rows.mailbox },
    { table: 'queue', columns: QUEUE_COLUMNS, rows: rows.queue },
    { table: 'status_history', columns: HISTORY_COLUMNS, rows: rows.history },
  ];
}

async function storedKeys(tx: Sql, jobs: CommitJob[]): Promise<Map<string, string>> {
  const keys = jobs.flatMap((j) => j.items.flatMap((i) => (i.idempotencyKey === undefined ? [] : [i.idempotencyKey])));
  if (keys.length === 0) return new Map();
  const found = await all<{ id: string; idempotency_key: string }>(tx, 'SELECT id, idempotency_key FROM messages WHERE idempotency_key = ANY($1::text[])', [
    keys,
  ]);
  return new Map(found.map((r) => [r.idempotency_key, r.id]));
}
