// What an operator does to queued messages (the admin interface's queue list, retry now, delete, requeue,
// move). Every change is one conditional statement plus its status record, so a dispatcher leasing the
// same entry at the same moment either gets it first (and the operator is told) or does not get it.
import type pg from 'pg';
import { NowsmsError, type MessageStatus, type QueueItem } from 'nowsms';
import { all, get, run, type Sql } from './db.ts';
import { recordStatus } from './status.ts';
import type { WriteQueue } from './write-queue.ts';

interface ItemRow {
  message_id: string;
  connection_id: string | null;
  attempts: number;
  next_attempt_at: number;
  leased_until: number | null;
  last_error: string | null;
  status: MessageStatus;
  direction: QueueItem['direction'];
  kind: QueueItem['kind'];
  from_addr: string;
  to_addr: string;
  user_name: string | null;
  received_at: number;
}

const ITEM_SELECT = `SELECT q.message_id, q.connection_id, q.attempts, q.next_attempt_at, q.leased_until, q.last_error,
  m.status, m.direction, m.kind, m.from_addr, m.to_addr, m.user_name, m.received_at
FROM queue q JOIN messages m ON m.id = q.message_id`;

function itemFromRow(r: ItemRow, now: number): QueueItem {
  const item: QueueItem = {
    messageId: r.message_id,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: new Date(r.next_attempt_at),
    sending: r.leased_until !== null && r.leased_until > now,
    direction: r.direction,
    kind: r.kind,
    from: r.from_addr,
    to: r.to_addr,
    receivedAt: new Date(r.received_at),
  };
  if (r.connection_id !== null) item.connectionId = r.connection_id;
  if (r.last_error !== null) item.lastError = r.last_error;
  if (r.user_name !== null) item.user = r.user_name;
  return item;
}

/** The entry, its row locked for the rest of the transaction (a dispatcher's lease waits or skips it). */
async function queueRow(tx: Sql, messageId: string, lock = false): Promise<ItemRow | undefined> {
  return get<ItemRow>(tx, `${ITEM_SELECT} WHERE q.message_id = $1${lock ? ' FOR UPDATE OF q' : ''}`, [messageId]);
}

async function refuse(tx: Sql, messageId: string, row: ItemRow | undefined, now: number): Promise<NowsmsError | undefined> {
  if (!row) {
    const m = await get<{ status: MessageStatus }>(tx, 'SELECT status FROM messages WHERE id = $1', [messageId]);
    return m
      ? new NowsmsError('NOWSMS_ERR_CONFLICT', `message ${messageId} is ${m.status}, not waiting in a queue`)
      : new NowsmsError('NOWSMS_ERR_NOT_FOUND', `no message ${messageId}`);
  }
  if (row.leased_until !== null && row.leased_until > now)
    return new NowsmsError('NOWSMS_ERR_CONFLICT', `message ${messageId} is being sent right now on ${row.connection_id}: try again when the send has ended`);
  return undefined;
}

export function operatorQueue(pool: pg.Pool, writes: WriteQueue) {
  return {
    list: async (connectionId: string | null, page: { offset: number; limit: number }) => {
      const where = connectionId === null ? 'q.connection_id IS NULL' : 'q.connection_id = $3';
      const params: unknown[] = [page.limit, page.offset, ...(connectionId === null ? [] : [connectionId])];
      const [count, rows] = await Promise.all([
        get<{ n: number }>(pool, `SELECT count(*) AS n FROM queue q WHERE ${where.replace('$3', '$1')}`, params.slice(2)),
        // The order a dispatcher leases them in.
        all<ItemRow>(pool, `${ITEM_SELECT} WHERE ${where} ORDER BY q.next_attempt_at, q.pos LIMIT $1 OFFSET $2`, params),
      ]);
      const now = Date.now();
      return { total: count?.n ?? 0, items: rows.map((r) => itemFromRow(r, now)) };
    },

    item: async (messageId: string) => {
      const row = await queueRow(pool, messageId);
      return row && itemFromRow(row, Date.now());
    },

    retryNow: (messageId: string, detail: string) =>
      writes.write(async (tx) => {
        const now = Date.now();
        const row = await queueRow(tx, messageId, true);
        const refusal = await refuse(tx, messageId, row, now);
        if (refusal) throw refusal;
        if (row!.connection_id === null)
          throw new NowsmsError('NOWSMS_ERR_CONFLICT', `message ${messageId} has no route: requeue it (route again) or move it to a connection`);
        await run(tx, 'UPDATE queue SET next_attempt_at = $1 WHERE message_id = $2', [now, messageId]);
        await recordStatus(tx, messageId, 'queued', detail, { kind: 'connection', id: row!.connection_id }, now);
      }),

    move: (messageId: string, connectionId: string, detail: string, opts: { onlyUnrouted?: boolean } = {}) =>
      writes.write(async (tx) => {
        const now = Date.now();
        const row = await queueRow(tx, messageId, true);
        const refusal = await refuse(tx, messageId, row, now);
        if (refusal) throw refusal;
        if (opts.onlyUnrouted && row!.connection_id !== null)
          throw new NowsmsError('NOWSMS_ERR_CONFLICT', `message ${messageId} is ${row!.status} on ${row!.connection_id}, not waiting with no route`);
        await run(tx, 'UPDATE queue SET connection_id = $1, next_attempt_at = $2, leased_until = NULL, leased_by = NULL WHERE message_id = $3', [
          connectionId,
          now,
          messageId,
        ]);
        await recordStatus(tx, messageId, 'queued', detail, { kind: 'connection', id: connectionId }, now);
      }),
  };
}

/** The operator's delete: out of the queue or the mailbox, and 'deleted' in the history. */
export function deleteMessage(writes: WriteQueue, id: string, detail: string | undefined): Promise<void> {
  return writes.write(async (tx) => {
    const now = Date.now();
    const queued = await queueRow(tx, id, true);
    if (queued) {
      const refusal = await refuse(tx, id, queued, now);
      if (refusal) throw refusal;
      await run(tx, 'DELETE FROM queue WHERE message_id = $1', [id]);
    } else {
      const changes = await run(tx, 'DELETE FROM mailbox WHERE message_id = $1', [id]);
      if (changes === 0) throw (await refuse(tx, id, undefined, now))!;
    }
    await recordStatus(tx, id, 'deleted', detail, undefined, now);
  });
}
