// Sent messages, inside the write transaction. A connection with a window of 50 completes 50 messages
// about at once: they share one transaction and a statement per table.
import { NowsmsError } from 'nowsms';
import { all, run } from './db.ts';
import { HISTORY_INSERT, historyRow, noteAppended, type StatusRecord } from './status.ts';
import type { BulkKind, Outcome } from './write-queue.ts';

export interface CompleteJob {
  messageId: string;
  detail: string | undefined;
  remoteIds: string[];
}

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
    // The same (connection, remote id) twice in one group: the last one wins, as it would one after another.
    const remoteRows = [...new Map(remote.map((r) => [JSON.stringify(r.slice(0, 3)), r])).values()];
    const status = [...new Map(sent.map((r) => [r.messageId, r.status])).entries()];
    const history = sent.map(historyRow);
    // One statement: out of the queue, the remote ids kept (a message sent again keeps one row per id, renewed
    // as the newest), the status and its history.
    await run(
      tx,
      `WITH d AS (DELETE FROM queue WHERE message_id = ANY($1::text[])),
       r AS (INSERT INTO remote_ids (connection_id, remote_id, message_id, idx, sent_at)
             SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::int4[], $6::int8[])
             ON CONFLICT (connection_id, remote_id, message_id) DO UPDATE SET idx = excluded.idx, sent_at = excluded.sent_at, outcome = NULL,
               id = nextval(pg_get_serial_sequence('remote_ids', 'id'))),
       u AS (UPDATE messages SET status = v.status FROM unnest($7::text[], $8::text[]) AS v(id, status) WHERE messages.id = v.id)
       ${HISTORY_INSERT.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + 8}`)}`,
      [
        sent.map((s) => s.messageId),
        ...[0, 1, 2, 3, 4].map((c) => remoteRows.map((r) => r[c])),
        status.map(([id]) => id),
        status.map(([, st]) => st),
        ...[0, 1, 2, 3, 4, 5].map((c) => history.map((h) => h[c] ?? null)),
      ],
    );
    noteAppended(tx);
    return outcomes;
  },
};
