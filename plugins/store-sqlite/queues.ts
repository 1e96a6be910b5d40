// QueueStore: the outbound queues, one per connection, plus the MT messages still waiting for a route
// (connection_id NULL). Leases are writes, so two dispatchers never take the same entry.
import { NowsmsError, type QueueStore } from 'nowsms';
import { completeKind } from './complete.ts';
import { loadMessages } from './loaders.ts';
import { operatorQueue } from './operator.ts';
import type { ReadQueue } from './read-queue.ts';
import { queueEntryFromRow, type QueueRow } from './rows.ts';
import type { Sql } from './sqlite.ts';
import { recordStatus, type Target } from './status.ts';
import type { WriteQueue } from './write-queue.ts';

/** Longer than any send should take; a lease past it is taken to belong to a worker that died. */
export const LEASE_MS = 5 * 60_000;

/** Run a statement on the message's queue row (`RETURNING connection_id`): its connection, or NOWSMS_ERR_STORE when there is no row. */
async function mustChange(tx: Sql, sql: string, params: (string | number | null)[], messageId: string): Promise<Target> {
  const row = await tx.get<{ connection_id: string | null }>(sql, params);
  if (!row) throw new NowsmsError('NOWSMS_ERR_STORE', `message ${messageId} is not waiting in the queue`);
  return row.connection_id === null ? undefined : { kind: 'connection', id: row.connection_id };
}

export function queueStore(reads: ReadQueue, writes: WriteQueue): QueueStore {
  return {
    // commit() stores a queue entry leased when CommitItem.leasedUntil says so (store-common/commit-rows.ts).
    leasesAtCommit: true,
    lease: (connectionId, now, limit) =>
      writes.write(async (tx) => {
        const at = now.getTime();
        const rows = await tx.all<QueueRow>(
          `SELECT message_id, connection_id, attempts, next_attempt_at, last_error FROM queue
           WHERE connection_id = ? AND next_attempt_at <= ? AND (leased_until IS NULL OR leased_until <= ?)
           ORDER BY next_attempt_at, rowid LIMIT ?`,
          [connectionId, at, at, limit],
        );
        if (rows.length === 0) return [];
        const ids = rows.map((r) => r.message_id);
        await tx.run('UPDATE queue SET leased_until = ? WHERE message_id IN (SELECT value FROM json_each(?))', [at + LEASE_MS, JSON.stringify(ids)]);
        const messages = new Map((await loadMessages(tx, ids)).map((m) => [m.id, m]));
        // The foreign key guarantees each its message.
        return rows.map((r) => queueEntryFromRow(r, messages.get(r.message_id)!));
      }),

    complete: (messageId, detail, remoteIds = []) => writes.bulk(completeKind, { messageId, detail, remoteIds }),

    retry: (messageId, at, error, countAttempt) =>
      writes.write(async (tx) => {
        const target = await mustChange(
          tx,
          'UPDATE queue SET leased_until = NULL, next_attempt_at = ?, attempts = attempts + ?, last_error = ? WHERE message_id = ? RETURNING connection_id',
          [at.getTime(), countAttempt ? 1 : 0, error, messageId],
          messageId,
        );
        await recordStatus(tx, messageId, 'retrying', error, target);
      }),

    fail: (messageId, error) =>
      writes.write(async (tx) => {
        const row = await tx.get<{ connection_id: string | null }>('DELETE FROM queue WHERE message_id = ? RETURNING connection_id', [messageId]);
        const target: Target = row?.connection_id ? { kind: 'connection', id: row.connection_id } : undefined;
        await recordStatus(tx, messageId, 'failed', error, target);
      }),

    unrouted: (limit) =>
      reads.read(async (sql) => {
        const rows = await sql.all<{ message_id: string }>('SELECT message_id FROM queue WHERE connection_id IS NULL ORDER BY next_attempt_at, rowid LIMIT ?', [
          limit,
        ]);
        return loadMessages(
          sql,
          rows.map((r) => r.message_id),
        );
      }),

    assign: (messageId, connectionId) =>
      writes.write(async (tx) => {
        const target = await mustChange(
          tx,
          'UPDATE queue SET connection_id = ?, leased_until = NULL WHERE message_id = ? RETURNING connection_id',
          [connectionId, messageId],
          messageId,
        );
        await recordStatus(tx, messageId, 'queued', connectionId, target);
      }),

    // One gateway per file: every lease is this node's, or that of the holder it took the connection from.
    releaseLeases: (connectionId) =>
      writes.write(async (tx) => {
        if (connectionId === undefined) await tx.run('UPDATE queue SET leased_until = NULL WHERE leased_until IS NOT NULL');
        else await tx.run('UPDATE queue SET leased_until = NULL WHERE connection_id = ? AND leased_until IS NOT NULL', [connectionId]);
      }),

    counts: () =>
      reads.read(async (sql) => {
        const rows = await sql.all<{ connection: string; queued: number; retrying: number }>(
          `SELECT coalesce(q.connection_id, '') AS connection,
                  sum(m.status <> 'retrying') AS queued, sum(m.status = 'retrying') AS retrying
           FROM queue q JOIN messages m ON m.id = q.message_id
           GROUP BY q.connection_id`,
        );
        return Object.fromEntries(rows.map((r) => [r.connection, { queued: r.queued, retrying: r.retrying }]));
      }),

    ...operatorQueue(reads, writes),
  };
}
