// Delivery reports: match a report to the most recent message sent with that remote id on that connection
// (modem message references wrap at 256, so older ones are taken to be finished), and derive the status.
import type { DeliveryReport, MessageStatus } from '../../core/index.ts';
import type { Sql } from './sqlite.ts';
import { recordStatus } from './status.ts';

export async function recordReport(tx: Sql, r: DeliveryReport): Promise<{ messageId: string; status: MessageStatus } | undefined> {
  const now = Date.now();
  const row = await tx.get<{ message_id: string; idx: number }>(
    `SELECT message_id, idx FROM remote_ids WHERE connection_id = ? AND remote_id = ? ORDER BY sent_at DESC, rowid DESC LIMIT 1`,
    [r.connectionId, r.remoteId],
  );
  if (!row) {
    await tx.run('INSERT INTO unmatched_reports (connection_id, remote_id, outcome, detail, at) VALUES (?, ?, ?, ?, ?)', [
      r.connectionId,
      r.remoteId,
      r.outcome,
      r.detail,
      now,
    ]);
    return undefined;
  }
  if (r.outcome !== 'pending') {
    await tx.run('UPDATE remote_ids SET outcome = ? WHERE connection_id = ? AND remote_id = ? AND message_id = ?', [
      r.outcome,
      r.connectionId,
      r.remoteId,
      row.message_id,
    ]);
  }
  const parts = await tx.all<{ outcome: string | null }>('SELECT outcome FROM remote_ids WHERE message_id = ?', [row.message_id]);
  const current = (await tx.get<{ status: MessageStatus }>('SELECT status FROM messages WHERE id = ?', [row.message_id]))!.status;
  let status: MessageStatus = current;
  if (parts.some((p) => p.outcome === 'undeliverable')) status = 'undeliverable';
  else if (parts.every((p) => p.outcome === 'delivered')) status = 'delivered';
  const which = parts.length > 1 ? `segment ${row.idx + 1} of ${parts.length}: ` : '';
  await recordStatus(tx, row.message_id, status, `${which}${r.outcome}${r.detail ? ` (${r.detail})` : ''}`, now);
  return { messageId: row.message_id, status };
}
