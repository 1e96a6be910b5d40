// Sent messages, inside the writer's transaction. A connection with a window of 50 completes 50 messages
// about at once: they share one transaction and a handful of statements (one per table) instead of a
// savepoint and five statements each, which is what keeps the writer from becoming the end-to-end limit.
import { NowsmsError, type Direction } from 'nowsms';
import { insertRows } from './bulk.ts';
import type { Param } from './sqlite.ts';
import type { MessageAbout } from '../store-common/changes.ts';
import { recordStatuses, type StatusRecord } from './status.ts';
import type { BulkKind, Outcome } from './write-queue.ts';

/** One `queues.complete` call. */
export interface CompleteJob {
  messageId: string;
  detail: string | undefined;
  remoteIds: string[];
}

const REMOTE_ID_COLUMNS = ['connection_id', 'remote_id', 'message_id', 'idx', 'sent_at'] as const;

export const completeKind: BulkKind<CompleteJob, void> = {
  async runMany(tx, jobs) {
    const now = Date.now();
    const ids = JSON.stringify(jobs.map((j) => j.messageId));
    // Which messages exist, and the connection each was queued on (its remote ids belong to that connection).
    const rows = await tx.all<{ id: string; connection_id: string | null; direction: Direction; via: string | null; user_name: string | null }>(
      'SELECT m.id, q.connection_id, m.direction, m.via, m.user_name FROM messages m LEFT JOIN queue q ON q.message_id = m.id WHERE m.id IN (SELECT value FROM json_each(?))',
      [ids],
    );
    const found = new Map(rows.map((r) => [r.id, r.connection_id ?? '']));
    // What the event log tells of each message with its changes.
    const about = new Map<string, MessageAbout>(rows.map((r) => [r.id, { direction: r.direction, via: r.via, user: r.user_name }]));
    const outcomes: Outcome<void>[] = [];
    const remote: Param[][] = [];
    const sent: StatusRecord[] = [];
    for (const job of jobs) {
      const connectionId = found.get(job.messageId);
      if (connectionId === undefined) {
        outcomes.push({ ok: false, error: new NowsmsError('NOWSMS_ERR_STORE', `message ${job.messageId} is not in the store`) });
        continue;
      }
      job.remoteIds.forEach((remoteId, idx) => remote.push([connectionId, remoteId, job.messageId, idx, now]));
      sent.push({
        messageId: job.messageId,
        status: 'sent',
        detail: job.detail,
        at: now,
        ...(connectionId ? { target: { kind: 'connection', id: connectionId } } : {}),
      });
      outcomes.push({ ok: true, value: undefined });
    }
    if (sent.length === 0) return outcomes;
    await tx.run('DELETE FROM queue WHERE message_id IN (SELECT value FROM json_each(?))', [JSON.stringify(sent.map((s) => s.messageId))]);
    // A message sent again (after a timeout, under the same remote id) keeps one row per id.
    await insertRows(tx, 'remote_ids', REMOTE_ID_COLUMNS, remote, 'INSERT OR REPLACE');
    await recordStatuses(tx, sent, about);
    return outcomes;
  },
};
