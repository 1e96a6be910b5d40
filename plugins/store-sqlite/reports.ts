// Delivery reports: match a report to the most recent message sent with that remote id on that connection
// (modem message references wrap at 256, so older ones are taken to be finished), and derive the status.
// An SMSC sends a receipt for every message it was given, so reports come as fast as messages leave: the
// reports of one group commit are matched with one query and written with a statement per table, applied
// in memory in their order exactly as one after another would have been.
import { reportDetail, reportedStatus, type DeliveryReport, type MessageStatus } from 'nowsms';
import { insertRows, updateRows } from './bulk.ts';
import type { Param, Sql } from './sqlite.ts';
import { recordStatuses, type StatusRecord } from './status.ts';
import type { BulkKind, Outcome } from './write-queue.ts';

export type Applied = { messageId: string; status: MessageStatus } | undefined;

interface Part {
  messageId: string;
  connectionId: string;
  remoteId: string;
  outcome: string | null;
}

const UNMATCHED_COLUMNS = ['connection_id', 'remote_id', 'outcome', 'detail', 'at'] as const;

export const reportKind: BulkKind<DeliveryReport, Applied> = {
  async runMany(tx, reports) {
    const now = Date.now();
    const matches = await match(tx, reports);
    const ids = [...new Set(matches.filter((m) => m !== undefined).map((m) => m.messageId))];
    const parts = new Map<string, Part[]>();
    const status = new Map<string, MessageStatus>();
    if (ids.length > 0) {
      const json = JSON.stringify(ids);
      for (const r of await tx.all<{ message_id: string; connection_id: string; remote_id: string; outcome: string | null }>(
        'SELECT message_id, connection_id, remote_id, outcome FROM remote_ids WHERE message_id IN (SELECT value FROM json_each(?)) ORDER BY message_id, idx',
        [json],
      )) {
        const list = parts.get(r.message_id) ?? [];
        list.push({ messageId: r.message_id, connectionId: r.connection_id, remoteId: r.remote_id, outcome: r.outcome });
        parts.set(r.message_id, list);
      }
      for (const r of await tx.all<{ id: string; status: MessageStatus }>('SELECT id, status FROM messages WHERE id IN (SELECT value FROM json_each(?))', [
        json,
      ]))
        status.set(r.id, r.status);
    }
    const outcomes: Outcome<Applied>[] = [];
    const unmatched: Param[][] = [];
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
      ['connection_id', 'remote_id', 'message_id'],
      'outcome',
      [...changedParts].map((p) => [p.connectionId, p.remoteId, p.messageId, p.outcome]),
    );
    await recordStatuses(tx, changes);
    await insertRows(tx, 'unmatched_reports', UNMATCHED_COLUMNS, unmatched);
    return outcomes;
  },
};

/** For each report, the segment it is about: the newest row with its connection and remote id. */
async function match(tx: Sql, reports: DeliveryReport[]): Promise<({ messageId: string; idx: number } | undefined)[]> {
  const rows = await tx.all<{ k: number; message_id: string; idx: number }>(
    `SELECT j.key AS k, r.message_id, r.idx FROM json_each(?) j
     JOIN remote_ids r ON r.rowid = (
       SELECT rowid FROM remote_ids WHERE connection_id = j.value->>0 AND remote_id = j.value->>1 ORDER BY sent_at DESC, rowid DESC LIMIT 1)`,
    [JSON.stringify(reports.map((r) => [r.connectionId, r.remoteId]))],
  );
  const out: ({ messageId: string; idx: number } | undefined)[] = reports.map(() => undefined);
  for (const r of rows) out[r.k] = { messageId: r.message_id, idx: r.idx };
  return out;
}
