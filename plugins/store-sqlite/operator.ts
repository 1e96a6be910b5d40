// What an operator does to queued messages (the admin interface's queue list, retry now, delete, requeue,
// move). Every change is one conditional statement plus its status record, so a dispatcher leasing the
// same entry at the same moment either gets it first (and the operator is told) or does not get it.
import { NowsmsError, type MessageStatus, type QueueItem } from 'nowsms';
import type { ReadQueue } from './read-queue.ts';
import type { Param, Sql } from './sqlite.ts';
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

async function queueRow(tx: Sql, messageId: string): Promise<ItemRow | undefined> {
  return tx.get<ItemRow>(`${ITEM_SELECT} WHERE q.message_id = ?`, [messageId]);
}

/** Why an entry cannot be changed now, or undefined when it can. */
async function refuse(tx: Sql, messageId: string, row: ItemRow | undefined, now: number): Promise<NowsmsError | undefined> {
  if (!row) {
    const m = await tx.get<{ status: MessageStatus }>('SELECT status FROM messages WHERE id = ?', [messageId]);
    return m
      ? new NowsmsError('NOWSMS_ERR_CONFLICT', `message ${messageId} is ${m.status}, not waiting in a queue`)
      : new NowsmsError('NOWSMS_ERR_NOT_FOUND', `no message ${messageId}`);
  }
  if (row.leased_until !== null && row.leased_until > now)
    return new NowsmsError('NOWSMS_ERR_CONFLICT', `message ${messageId} is being sent right now on ${row.connection_id}: try again when the send has ended`);
  return undefined;
}

export function operatorQueue(reads: ReadQueue, writes: WriteQueue) {
  return {
    list: (connectionId: string | null, page: { offset: number; limit: number }) =>
      reads.read(async (sql) => {
        const where = connectionId === null ? 'q.connection_id IS NULL' : 'q.connection_id = ?';
        const params: Param[] = connectionId === null ? [] : [connectionId];
        const count = await sql.get<{ n: number }>(`SELECT count(*) AS n FROM queue q WHERE ${where}`, params);
        // The order a dispatcher leases them in.
        const rows = await sql.all<ItemRow>(`${ITEM_SELECT} WHERE ${where} ORDER BY q.next_attempt_at, q.rowid LIMIT ? OFFSET ?`, [
          ...params,
          page.limit,
          page.offset,
        ]);
        const now = Date.now();
        return { total: count?.n ?? 0, items: rows.map((r) => itemFromRow(r, now)) };
      }),

    item: (messageId: string) =>
      reads.read(async (sql) => {
        const row = await queueRow(sql, messageId);
        return row && itemFromRow(row, Date.now());
      }),

    retryNow: (messageId: string, detail: string) =>
      writes.write(async (tx) => {
        const now = Date.now();
        const row = await queueRow(tx, messageId);
        const refusal = await refuse(tx, messageId, row, now);
        if (refusal) throw refusal;
        if (row!.connection_id === null)
          throw new NowsmsError('NOWSMS_ERR_CONFLICT', `message ${messageId} has no route: requeue it (route again) or move it to a connection`);
        await tx.run('UPDATE queue SET next_attempt_at = ? WHERE message_id = ?', [now, messageId]);
        await recordStatus(tx, messageId, 'queued', detail, { kind: 'connection', id: row!.connection_id }, now);
      }),

    move: (messageId: string, connectionId: string, detail: string, opts: { onlyUnrouted?: boolean } = {}) =>
      writes.write(async (tx) => {
        const now = Date.now();
        const row = await queueRow(tx, messageId);
        const refusal = await refuse(tx, messageId, row, now);
        if (refusal) throw refusal;
        if (opts.onlyUnrouted && row!.connection_id !== null)
          throw new NowsmsError('NOWSMS_ERR_CONFLICT', `message ${messageId} is ${row!.status} on ${row!.connection_id}, not waiting with no route`);
        await tx.run('UPDATE queue SET connection_id = ?, next_attempt_at = ?, leased_until = NULL WHERE message_id = ?', [connectionId, now, messageId]);
        await recordStatus(tx, messageId, 'queued', detail, { kind: 'connection', id: connectionId }, now);
      }),
  };
}

/** The operator's delete: out of the queue or the mailbox, and 'deleted' in the history. */
export function deleteMessage(writes: WriteQueue, id: string, detail: string | undefined): Promise<void> {
  return writes.write(async (tx) => {
    const now = Date.now();
    const queued = await queueRow(tx, id);
    if (queued) {
      const refusal = await refuse(tx, id, queued, now);
      if (refusal) throw refusal;
      await tx.run('DELETE FROM queue WHERE message_id = ?', [id]);
    } else {
      const { changes } = await tx.run('DELETE FROM mailbox WHERE message_id = ?', [id]);
      if (changes === 0) throw (await refuse(tx, id, undefined, now))!;
    }
    await recordStatus(tx, id, 'deleted', detail, undefined, now);
  });
}
