// QueueStore: the outbound queues, one per connection, plus the MT messages still waiting for a route
// (connection_id NULL). A lease is an UPDATE of rows picked with FOR UPDATE SKIP LOCKED, recording this
// node as their owner, so two nodes (or two dispatchers) never take the same entry.
import type pg from 'pg';
import { NowsmsError, type Part, type QueueStore } from 'nowsms';
import { MESSAGE_FIELDS, messageFromRow, partFromRow, queueEntryFromRow, type MessageRow, type QueueRow } from './rows.ts';
import { completeKind } from './complete.ts';
import { all, get, run, type Sql } from './db.ts';
import { loadMessages } from './loaders.ts';
import type { OneTrip } from './one-trip.ts';
import { operatorQueue } from './operator.ts';
import { recordStatus, type Target } from './status.ts';
import type { WriteQueue } from './write-queue.ts';

/** Longer than any send should take; a lease past it is taken to belong to a worker that died. */
export const LEASE_MS = 5 * 60_000;

interface LeasedRow extends MessageRow, QueueRow {
  /** The message's parts, column by column, in order (null: no parts). */
  types: string[] | null;
  names: (string | null)[] | null;
  content_ids: (string | null)[] | null;
  datas: Buffer[] | null;
}

function partsOf(r: LeasedRow): Part[] {
  return (r.types ?? []).map((contentType, i) =>
    partFromRow({
      message_id: r.message_id,
      content_type: contentType,
      name: r.names![i] ?? null,
      content_id: r.content_ids![i] ?? null,
      data: r.datas![i] ?? null,
    }),
  );
}

async function mustChange(tx: Sql, sql: string, params: unknown[], messageId: string): Promise<Target> {
  const row = await get<{ connection_id: string | null }>(tx, sql, params);
  if (!row) throw new NowsmsError('NOWSMS_ERR_STORE', `message ${messageId} is not waiting in the queue`);
  return row.connection_id === null ? undefined : { kind: 'connection', id: row.connection_id };
}

export function queueStore(pool: pg.Pool, writes: WriteQueue, leases: OneTrip, nodeId: string): QueueStore {
  return {
    // commit() stores a queue entry leased when CommitItem.leasedUntil says so (store-common/commit-rows.ts).
    leasesAtCommit: true,
    // Beside the other writes (no write lock: a lease appends nothing to the log, and FOR UPDATE SKIP LOCKED
    // keeps two leases apart), in one round trip. The due entries are read in the order of the queue_due
    // index, LIMIT at a time: not through a bitmap of every entry of the connection, or the whole table
    // (plans costed for a near-empty queue), which also walk every entry deleted since the last vacuum, each
    // time; an index scan marks those dead once and skips them after. A lease a server crash loses is
    // harmless (releaseLeases() hands a node's leases back when it starts): no wait for the WAL flush.
    lease: async (connectionId, now, limit) => {
      const at = now.getTime();
      // One statement: pick and lease the due entries, and bring each message with its parts (as arrays).
      const rows = await leases.run<LeasedRow>(
        (l) => `SET LOCAL enable_bitmapscan = off; SET LOCAL enable_seqscan = off; SET LOCAL synchronous_commit = off;
           WITH due AS (
             SELECT message_id FROM queue
             WHERE connection_id = ${l.text(connectionId)} AND next_attempt_at <= ${l.int(at)} AND (leased_until IS NULL OR leased_until <= ${l.int(at)})
             ORDER BY next_attempt_at, pos LIMIT ${l.int(limit)} FOR UPDATE SKIP LOCKED),
           leased AS (
             UPDATE queue q SET leased_until = ${l.int(at + LEASE_MS)}, leased_by = ${l.text(nodeId)} FROM due WHERE q.message_id = due.message_id
             RETURNING q.message_id, q.connection_id, q.attempts, q.next_attempt_at, q.last_error, q.pos)
           SELECT l.message_id, l.connection_id, l.attempts, l.next_attempt_at, l.last_error, ${MESSAGE_FIELDS.split(', ')
             .map((f) => `m.${f}`)
             .join(', ')},
             p.types, p.names, p.content_ids, p.datas
           FROM leased l JOIN messages m ON m.id = l.message_id
           LEFT JOIN LATERAL (
             SELECT array_agg(content_type ORDER BY idx) AS types, array_agg(name ORDER BY idx) AS names,
                    array_agg(content_id ORDER BY idx) AS content_ids, array_agg(data ORDER BY idx) AS datas
             FROM parts WHERE message_id = l.message_id) p ON true
           ORDER BY l.next_attempt_at, l.pos`,
      );
      return rows.map((r) => queueEntryFromRow(r, messageFromRow(r, partsOf(r))));
    },

    complete: (messageId, detail, remoteIds = []) => writes.bulk(completeKind, { messageId, detail, remoteIds }),

    retry: (messageId, at, error, countAttempt) =>
      writes.write(async (tx) => {
        const target = await mustChange(
          tx,
          'UPDATE queue SET leased_until = NULL, leased_by = NULL, next_attempt_at = $1, attempts = attempts + $2, last_error = $3 WHERE message_id = $4 RETURNING connection_id',
          [at.getTime(), countAttempt ? 1 : 0, error, messageId],
          messageId,
        );
        await recordStatus(tx, messageId, 'retrying', error, target);
      }),

    fail: (messageId, error) =>
      writes.write(async (tx) => {
        const row = await get<{ connection_id: string | null }>(tx, 'DELETE FROM queue WHERE message_id = $1 RETURNING connection_id', [messageId]);
        const target: Target = row?.connection_id ? { kind: 'connection', id: row.connection_id } : undefined;
        await recordStatus(tx, messageId, 'failed', error, target);
      }),

    unrouted: async (limit) => {
      const rows = await all<{ message_id: string }>(pool, 'SELECT message_id FROM queue WHERE connection_id IS NULL ORDER BY next_attempt_at, pos LIMIT $1', [
        limit,
      ]);
      return loadMessages(
        pool,
        rows.map((r) => r.message_id),
      );
    },

    assign: (messageId, connectionId) =>
      writes.write(async (tx) => {
        const target = await mustChange(
          tx,
          'UPDATE queue SET connection_id = $1, leased_until = NULL, leased_by = NULL WHERE message_id = $2 RETURNING connection_id',
          [connectionId, messageId],
          messageId,
        );
        await recordStatus(tx, messageId, 'queued', connectionId, target);
      }),

    // Without a connection: this node's own leases (at start; the other nodes are alive and sending). With
    // one: every lease on its queue, whoever took it (this node has just become its holder).
    releaseLeases: (connectionId) =>
      writes.write(async (tx) => {
        if (connectionId === undefined) await run(tx, 'UPDATE queue SET leased_until = NULL, leased_by = NULL WHERE leased_by = $1', [nodeId]);
        else await run(tx, 'UPDATE queue SET leased_until = NULL, leased_by = NULL WHERE connection_id = $1 AND leased_until IS NOT NULL', [connectionId]);
      }),

    counts: async () => {
      const rows = await all<{ connection: string; queued: number; retrying: number }>(
        pool,
        `SELECT coalesce(q.connection_id, '') AS connection,
                count(*) FILTER (WHERE m.status <> 'retrying') AS queued, count(*) FILTER (WHERE m.status = 'retrying') AS retrying
         FROM queue q JOIN messages m ON m.id = q.message_id
         GROUP BY q.connection_id`,
      );
      return Object.fromEntries(rows.map((r) => [r.connection, { queued: r.queued, retrying: r.retrying }]));
    },

    ...operatorQueue(pool, writes),
  };
}
