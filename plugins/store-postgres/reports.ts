// Delivery reports: match a report to the most recent message sent with that remote id on that connection
// (modem message references wrap at 256, so older ones are taken to be finished), and derive the status.
// An SMSC sends a receipt for every message it was given, so reports come as fast as messages leave: the
// reports of one group commit are matched with one query and written with a statement per table, applied
// in memory in their order exactly as one after another would have been.
import { reportDetail, reportedStatus, type DeliveryReport, type MessageStatus } from 'nowsms';
import { insertRows, updateRows, type Column } from './bulk.ts';
import { all, type Sql } from './db.ts';
import { recordStatuses, type StatusRecord } from './status.ts';
import type { BulkKind, Outcome } from './write-queue.ts';

export type Applied = { messageId: string; status: MessageStatus } | undefined;

interface Part {
  messageId: string;
  connectionId: string;
  remoteId: string;
  outcome: string | null;
}

const UNMATCHED_COLUMNS: readonly Column[] = [
  ['connection_id', 'text'],
  ['remote_id', 'text'],
  ['outcome', 'text'],
  ['detail', 'text'],
  ['at', 'int8'],
];

export const reportKind: BulkKind<DeliveryReport, Applied> = {
  async runMany(tx, reports) {
    const now = Date.now();
    const matches = await match(tx, reports);
    const ids = [...new Set(matches.filter((m) => m !== undefined).map((m) => m.messageId))];
    const parts = new Map<string, Part[]>();
    const status = new Map<string, MessageStatus>();
    if (ids.length > 0) {
      for (const r of await all<{ message_id: string; connection_id: string; remote_id: string; outcome: string | null }>(
        tx,
        'SELECT message_id, connection_id, remote_id, outcome FROM remote_ids WHERE message_id = ANY($1::text[]) ORDER BY message_id, idx',
        [ids],
      )) {
        const list = parts.get(r.message_id) ?? [];
        list.push({ messageId: r.message_id, connectionId: r.connection_id, remoteId: r.remote_id, outcome: r.outcome });
        parts.set(r.message_id, list);
      }
      for (const r of await all<{ id: string; status: MessageStatus }>(tx, 'SELECT id, status FROM messages WHERE id = ANY($1::text[])', [ids]))
        status.set(r.id, r.status);
    }
    const outcomes: Outcome<Applied>[] = [];
    const unmatched: unknown[][] = [];
    const changes: StatusRecord[] = [];
    const changedParts = new Set<Part>();
    reports.forEach((r, i) => {
      const m = matches[i];
      if (!m) {
        unmatched.push([r.connectionId, r.remoteId, r.outcome, r.detail, now]);
        outcomes.push({ ok: true, value: undefined });
        return;
      }
      const all = parts.get(m.messageId)!;
      if (r.outcome !== 'pending') {
        const part = all.find((p) => p.connectionId === r.connectionId && p.remoteId === r.remoteId)!;
        part.outcome = r.outcome;
        changedParts.add(part);
      }
      const next = reportedStatus(
        status.get(m.messageId)!,
        all.map((p) => p.outcome),
      );
      status.set(m.messageId, next);
      changes.push({
        messageId: m.messageId,
        status: next,
        detail: reportDetail(r.outcome, r.detail, m.idx, all.length),
        at: now,
        target: { kind: 'connection', id: r.connectionId },
      });
      outcomes.push({ ok: true, value: { messageId: m.messageId, status: next } });
    });
    await updateRows(
      tx,
      'remote_ids',
      [
        ['connection_id', 'text'],
        ['remote_id', 'text'],
        ['message_id', 'text'],
      ],
      ['outcome', 'text'],
      [...changedParts].map((p) => [p.connectionId, p.remoteId, p.messageId, p.outcome]),
    );
    await recordStatuses(tx, changes);
    await insertRows(tx, 'unmatched_reports', UNMATCHED_COLUMNS, unmatched);
    return outcomes;
  },
};

/** For each report, the segment it is about: the newest row with its connection and remote id. */
async function match(tx: Sql, reports: DeliveryReport[]): Promise<({ messageId: string; idx: number } | undefined)[]> {
  const rows = await all<{ k: number; message_id: string; idx: number }>(
    tx,
    `SELECT j.k::int4 AS k, r.message_id, r.idx FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS j(c, rid, k)
     CROSS JOIN LATERAL (SELECT message_id, idx FROM remote_ids WHERE connection_id = j.c AND remote_id = j.rid ORDER BY sent_at DESC, id DESC LIMIT 1) r`,
    [reports.map((r) => r.connectionId), reports.map((r) => r.remoteId)],
  );
  const out: ({ messageId: string; idx: number } | undefined)[] = reports.map(() => undefined);
  for (const r of rows) out[r.k - 1] = { messageId: r.message_id, idx: r.idx };
  return out;
}
