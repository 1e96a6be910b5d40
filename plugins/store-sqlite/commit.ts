// Accepted submissions, inside the writer's transaction: the charges, then every message with its parts,
// its route (mailbox row or queue row) and its first status. A group commit writes the submissions of all
// its jobs with a few multi-row INSERTs (one per table) instead of a handful of statements per message.
import type { CommitItem, Committed, UsageCharge } from 'nowsms';
import { insertRows } from './bulk.ts';
import { Charges } from './charge.ts';
import type { Sql } from './sqlite.ts';
import { lastIds, withSeqs } from '../store-common/changes.ts';
import { add, noRows, rowsOf, type Rows } from '../store-common/commit-rows.ts';
import { HISTORY_COLUMNS, noteAppended } from './status.ts';
import type { BulkKind, Outcome } from './write-queue.ts';

/** One `messages.commit` call: all of it or nothing. */
export interface CommitJob {
  items: CommitItem[];
  charge: UsageCharge | undefined;
}

export interface CommitResult {
  /** Users whose credit balance the commit changed. */
  credited: string[];
  /** One per item, in order. */
  committed: Committed[];
}

const MESSAGE_COLUMNS = [
  'id',
  'direction',
  'kind',
  'from_addr',
  'to_addr',
  'subject',
  'user_name',
  'via',
  'received_at',
  'meta',
  'status',
  'target',
  'idempotency_key',
] as const;
const PART_COLUMNS = ['message_id', 'idx', 'content_type', 'name', 'content_id', 'data'] as const;
const MAILBOX_COLUMNS = ['user_name', 'uid', 'message_id', 'added_at'] as const;
const QUEUE_COLUMNS = ['message_id', 'connection_id', 'attempts', 'next_attempt_at', 'leased_until'] as const;

export const commitKind: BulkKind<CommitJob, CommitResult> = {
  async runMany(tx, jobs) {
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
    const stored = await storedKeys(tx, jobs);
    for (const job of jobs) {
      try {
        // Everything that can refuse a job alone is checked before any of its rows is written.
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
        const jobRows = fresh.map((item) => rowsOf(item, now));
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
    // Parents first: parts, routes and history point at their message.
    await insertRows(tx, 'messages', MESSAGE_COLUMNS, rows.messages);
    await insertRows(tx, 'parts', PART_COLUMNS, rows.parts);
    await insertRows(tx, 'mailbox', MAILBOX_COLUMNS, rows.mailbox);
    await insertRows(tx, 'queue', QUEUE_COLUMNS, rows.queue);
    const lastId = await insertRows(tx, 'status_history', HISTORY_COLUMNS, rows.history);
    if (rows.history.length > 0) noteAppended(tx, withSeqs(rows.changes, lastIds(rows.changes.length, lastId)));
    if (rows.segments.length > 0) {
      const keys = JSON.stringify(rows.segments);
      await tx.run(
        `INSERT OR IGNORE INTO consumed_segments (idempotency_key, consumed_at)
         SELECT idempotency_key, ? FROM segments WHERE key IN (SELECT value FROM json_each(?)) AND idempotency_key IS NOT NULL`,
        [now, keys],
      );
      await tx.run('DELETE FROM segments WHERE key IN (SELECT value FROM json_each(?))', [keys]);
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

/** The ids already stored under the idempotency keys these jobs carry. */
async function storedKeys(tx: Sql, jobs: CommitJob[]): Promise<Map<string, string>> {
  const keys = jobs.flatMap((j) => j.items.flatMap((i) => (i.idempotencyKey === undefined ? [] : [i.idempotencyKey])));
  if (keys.length === 0) return new Map();
  const found = await tx.all<{ id: string; idempotency_key: string }>(
    'SELECT id, idempotency_key FROM messages WHERE idempotency_key IN (SELECT value FROM json_each(?))',
    [JSON.stringify(keys)],
  );
  return new Map(found.map((r) => [r.idempotency_key, r.id]));
}
