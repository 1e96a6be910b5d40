// Accepted submissions, inside the writer's transaction: the charges, then every message with its parts,
// its route (mailbox row or queue row) and its first status. A group commit writes the submissions of all
// its jobs with a few multi-row INSERTs (one per table) instead of a handful of statements per message.
import { NowsmsError, type CommitItem, type Committed, type Message, type MessageStatus, type UsageCharge } from 'nowsms';
import { insertRows } from './bulk.ts';
import { Charges } from './charge.ts';
import type { Param, Sql } from './sqlite.ts';
import { lastIds, newChange, withSeqs, type NewChange } from '../store-common/changes.ts';
import { HISTORY_COLUMNS, historyRow, noteAppended } from './status.ts';
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
const QUEUE_COLUMNS = ['message_id', 'connection_id', 'attempts', 'next_attempt_at'] as const;

interface Rows {
  messages: Param[][];
  parts: Param[][];
  mailbox: Param[][];
  queue: Param[][];
  history: Param[][];
  /** The history rows as the event log's changes, but for their seqs. */
  changes: NewChange[];
  segments: string[];
}

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
    const rows: Rows = { messages: [], parts: [], mailbox: [], queue: [], history: [], changes: [], segments: [] };
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

function add(rows: Rows, items: ItemRows[]): void {
  for (const r of items) {
    rows.messages.push(r.message);
    rows.parts.push(...r.parts);
    if (r.mailbox) rows.mailbox.push(r.mailbox);
    if (r.queue) rows.queue.push(r.queue);
    rows.history.push(r.history);
    rows.changes.push(r.change);
    if (r.segments !== undefined) rows.segments.push(r.segments);
  }
}

interface ItemRows {
  message: Param[];
  parts: Param[][];
  mailbox?: Param[];
  queue?: Param[];
  history: Param[];
  change: NewChange;
  segments?: string;
}

/** The rows one message adds; the message is stored with its first status, which the history also records. */
function rowsOf({ message: m, target, consumesSegments, idempotencyKey, detail: why, delayUntil }: CommitItem, now: number): ItemRows {
  // A delayed MT is queued now, its first attempt due at its time (the dispatcher leases only what is due).
  const due = delayUntil ? Math.max(now, delayUntil.getTime()) : now;
  let status: MessageStatus;
  let detail: string | undefined;
  const out: Partial<ItemRows> = {};
  switch (target?.kind) {
    case 'mailbox':
      out.mailbox = [target.user, m.id, m.id, now];
      [status, detail] = ['in-mailbox', target.user];
      break;
    case 'connection':
      out.queue = [m.id, target.id, 0, due];
      [status, detail] = ['queued', target.id];
      break;
    case undefined:
      // An MO that no route claimed is kept as received (and listed); it has nowhere to be sent.
      if (m.direction === 'MO') {
        [status, detail] = ['received', 'no route claimed it'];
        break;
      }
      // An MT no connection carries waits in the queue, visible, until assign() gives it one.
      out.queue = [m.id, null, 0, due];
      [status, detail] = ['no-route', why];
      break;
    case 'command':
      // The two-way plug-in runs the command later; the target column keeps which one.
      [status, detail] = ['received', target.id];
      break;
    default:
      throw new NowsmsError(
        'NOWSMS_ERR_STORE',
        `message ${m.id} has target ${JSON.stringify(target)}, which cannot be stored: a rejected message is not committed`,
      );
  }
  return {
    ...out,
    message: messageRow(m, status, target ? JSON.stringify(target) : null, idempotencyKey),
    parts: m.parts.map((p, idx) => [m.id, idx, p.contentType, p.name, p.contentId, p.data]),
    // The change records the route too: the event log's readers learn the mailbox or connection from it.
    history: historyRow({ messageId: m.id, status, detail, at: now, target }),
    change: newChange({ messageId: m.id, status, detail, at: now, target }, m),
    ...(consumesSegments !== undefined ? { segments: consumesSegments } : {}),
  };
}

function messageRow(m: Message, status: MessageStatus, target: string | null, idempotencyKey: string | undefined): Param[] {
  return [
    m.id,
    m.direction,
    m.kind,
    m.from,
    m.to,
    m.subject,
    m.user,
    m.via,
    m.receivedAt.getTime(),
    JSON.stringify(m.meta ?? {}),
    status,
    target,
    idempotencyKey,
  ];
}
