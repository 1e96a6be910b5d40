// Sent messages, inside the write transaction. A connection with a window of 50 completes 50 messages
// about at once: they share one transaction and a statement per table.
import { NowsmsError } from 'nowsms';
import { insertRows, type Column } from './bulk.ts';
import { all, run } from './db.ts';
import { recordStatuses, type StatusRecord } from './status.ts';
import type { BulkKind, Outcome } from './write-queue.ts';

export interface CompleteJob {
  messageId: string;
  detail: string | undefined;
  remoteIds: string[];
}

const REMOTE_ID_COLUMNS: readonly Column[] = [
  ['connection_id', 'text'],
  ['remote_id', 'text'],
  ['message_id', 'text'],
  ['idx', 'int4'],
  ['sent_at', 'int8'],
];

export const completeKind: BulkKind<CompleteJob, void> = {
  async runMany(tx, jobs) {
    const now = Date.now();
    const found = new Map(
      (
        await all<{ id: string; connection_id: string | null }>(
          tx,
          'SELECT m.id, q.connection_id FROM messages m LEFT JOIN queue q ON q.message_id = m.id WHERE m.id = ANY($1::text[])',
          [jobs.map((j) => j.messageId)],
        )
      ).map((r) => [r.id, r.connection_id ?? '']),
    );
    const outcomes: Outcome<void>[] = [];
    const remote: unknown[][] = [];
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
    await run(tx, 'DELETE FROM queue WHERE message_id = ANY($1::text[])', [sent.map((s) => s.messageId)]);
    // A message sent again (after a timeout, under the same remote id) keeps one row per id, as the newest.
    if (remote.length > 0) {
      await run(
        tx,
        'DELETE FROM remote_ids r USING unnest($1::text[], $2::text[], $3::text[]) AS k(c, rid, m) WHERE r.connection_id = k.c AND r.remote_id = k.rid AND r.message_id = k.m',
        [remote.map((r) => r[0]), remote.map((r) => r[1]), remote.map((r) => r[2])],
      );
      // The same (connection, remote id) twice in one group: the last one wins, as it would one after another.
      const last = new Map(remote.map((r) => [JSON.stringify(r.slice(0, 3)), r]));
      await insertRows(tx, 'remote_ids', REMOTE_ID_COLUMNS, [...last.values()]);
    }
    await recordStatuses(tx, sent);
    return outcomes;
  },
};
