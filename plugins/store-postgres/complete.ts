// Sent messages, inside the write transaction. A connection with a window of 50 completes 50 messages
// about at once: they share one transaction and a statement per table.
import { NowsmsError, type Direction } from 'nowsms';
import { newChange, withSeqs, type MessageAbout } from '../store-common/changes.ts';
import { idsInOrder } from './bulk.ts';
import { all } from './db.ts';
import { zipHistory } from './events.ts';
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
    const rows = await all<{ id: string; connection_id: string | null; direction: Direction; via: string | null; user_name: string | null }>(
      tx,
      // From the ids, not from messages: messages.id compares as "C", so a join on it could not use the
      // queue's key and read the whole queue, once per batch (a backlog of a million entries, every batch).
      `SELECT j.id, q.connection_id, m.direction, m.via, m.user_name
       FROM unnest($1::text[]) AS j(id) JOIN messages m ON m.id = j.id LEFT JOIN queue q ON q.message_id = j.id`,
      [jobs.map((j) => j.messageId)],
    );
    const found = new Map(rows.map((r) => [r.id, r.connection_id ?? '']));
    // What the event log tells of each message with its changes.
    const about = new Map<string, MessageAbout>(rows.map((r) => [r.id, { direction: r.direction, via: r.via, user: r.user_name }]));
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
    const seqs = await all<{ id: string }>(
      tx,
      `WITH d AS (DELETE FROM queue WHERE message_id = ANY($1::text[])),
       r AS (INSERT INTO remote_ids (connection_id, remote_id, message_id, idx, sent_at)
             SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::int4[], $6::int8[])
             ON CONFLICT (connection_id, remote_id, message_id) DO UPDATE SET idx = excluded.idx, sent_at = excluded.sent_at, outcome = NULL,
               id = nextval(pg_get_serial_sequence('remote_ids', 'id'))),
       u AS (UPDATE messages SET status = v.status FROM unnest($7::text[], $8::text[]) AS v(id, status) WHERE messages.id = v.id)
       ${HISTORY_INSERT.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + 8}`)} RETURNING id`,
      [
        sent.map((s) => s.messageId),
        ...[0, 1, 2, 3, 4].map((c) => remoteRows.map((r) => r[c])),
        status.map(([id]) => id),
        status.map(([, st]) => st),
        ...[0, 1, 2, 3, 4, 5].map((c) => history.map((h) => h[c] ?? null)),
      ],
    );
    noteAppended(
      tx,
      withSeqs(
        sent.map((s) => newChange(s, about.get(s.messageId)!)),
        idsInOrder(seqs),
      ),
    );
    return outcomes;
  },
};

/**
 * A group of completions as part of one statement (write-queue.ts, Fragment): which messages exist and their
 * connection (f, read from the statement's snapshot), then out of the queue, the remote ids, the status and
 * the history for those, in the jobs' order. A job whose message is not in the store writes nothing and fails
 * alone. Every pairing is by an index or by position: the write connections' nested loops would make a join
 * of two of the statement's own row sets cost the square of the group.
 */
completeKind.single = (jobs, at) => {
  const now = Date.now();
  // The same message and remote id twice in the group: the last one wins (one row per id, as one after another).
  const remote = new Map<string, [string, string, number]>();
  jobs.forEach((j) => j.remoteIds.forEach((remoteId, idx) => remote.set(JSON.stringify([j.messageId, remoteId]), [j.messageId, remoteId, idx])));
  const r = [...remote.values()];
  const $ = (n: number) => `$${at.param + n - 1}`;
  const [f, d, rid, u, h] = ['f', 'd', 'r', 'u', 'h'].map((x) => `${at.name}${x}`) as [string, string, string, string, string];
  return {
    ctes: [
      `${f} AS MATERIALIZED (
       SELECT j.ord, j.message_id, j.detail, coalesce(q.connection_id, '') AS connection_id, m.direction, m.via, m.user_name
       FROM unnest(${$(1)}::text[], ${$(2)}::text[]) WITH ORDINALITY AS j(message_id, detail, ord) CROSS JOIN l
       JOIN messages m ON m.id = j.message_id LEFT JOIN queue q ON q.message_id = j.message_id)`,
      `${d} AS (DELETE FROM queue WHERE message_id IN (SELECT message_id FROM ${f}))`,
      `${rid} AS (INSERT INTO remote_ids (connection_id, remote_id, message_id, idx, sent_at)
           SELECT coalesce(q.connection_id, ''), x.remote_id, x.message_id, x.idx, ${$(6)}::int8
           FROM unnest(${$(3)}::text[], ${$(4)}::text[], ${$(5)}::int4[]) AS x(message_id, remote_id, idx) CROSS JOIN l
           JOIN messages m ON m.id = x.message_id LEFT JOIN queue q ON q.message_id = x.message_id
           ON CONFLICT (connection_id, remote_id, message_id) DO UPDATE SET idx = excluded.idx, sent_at = excluded.sent_at, outcome = NULL,
             id = nextval(pg_get_serial_sequence('remote_ids', 'id')))`,
      `${u} AS (UPDATE messages SET status = 'sent' WHERE id IN (SELECT message_id FROM ${f}))`,
      `${h} AS (INSERT INTO status_history (message_id, at, status, detail, target_kind, target_id)
           SELECT message_id, ${$(6)}::int8, 'sent', detail, CASE WHEN connection_id <> '' THEN 'connection' END, nullif(connection_id, '')
           FROM ${f} ORDER BY ord RETURNING id)`,
    ],
    values: [jobs.map((j) => j.messageId), jobs.map((j) => j.detail ?? null), r.map((x) => x[0]), r.map((x) => x[1]), r.map((x) => x[2]), now],
    log: `SELECT s.id, s.message_id, 'sent' AS status, s.detail, ${$(6)}::int8 AS at, CASE WHEN s.connection_id <> '' THEN 'connection' END AS target_kind,
        nullif(s.connection_id, '') AS target_id, s.direction, s.via, s.user_name
      FROM (${zipHistory(h, Object.fromEntries(['message_id', 'detail', 'connection_id', 'direction', 'via', 'user_name'].map((c) => [c, `(SELECT array_agg(${c} ORDER BY ord) FROM ${f})`])))}) s`,
    // The messages of the jobs that are in the store.
    columns: [`(SELECT array_agg(message_id) FROM ${f}) AS ${at.name}found`],
    outcomes: (row) => {
      const found = new Set((row?.[`${at.name}found`] as string[] | null) ?? []);
      return jobs.map((j) =>
        found.has(j.messageId)
          ? { ok: true, value: undefined }
          : { ok: false, error: new NowsmsError('NOWSMS_ERR_STORE', `message ${j.messageId} is not in the store`) },
      );
    },
  };
};
