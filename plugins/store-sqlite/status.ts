// Every status change goes through here, so the current status and the history never disagree.
import { NowsmsError, type MessageStatus } from '../../core/index.ts';
import { insertRows, updateRows } from './bulk.ts';
import type { Sql } from './sqlite.ts';

export const HISTORY_COLUMNS = ['message_id', 'at', 'status', 'detail'] as const;

export interface StatusRecord {
  messageId: string;
  status: MessageStatus;
  detail: string | undefined;
  at: number;
}

export async function recordStatus(tx: Sql, messageId: string, status: MessageStatus, detail?: string, at = Date.now()): Promise<void> {
  const { changes } = await tx.run('UPDATE messages SET status = ? WHERE id = ?', [status, messageId]);
  if (changes === 0) throw new NowsmsError('NOWSMS_ERR_STORE', `message ${messageId} is not in the store`);
  await tx.run('INSERT INTO status_history (message_id, at, status, detail) VALUES (?, ?, ?, ?)', [messageId, at, status, detail]);
}

/**
 * Many changes at once, in order (a group of completions or reports): each goes into the history, and each
 * message keeps the last of its own as its status. The caller has made sure every message exists.
 */
export async function recordStatuses(tx: Sql, records: StatusRecord[]): Promise<void> {
  await updateRows(
    tx,
    'messages',
    ['id'],
    'status',
    records.map((r) => [r.messageId, r.status]),
  );
  await insertRows(
    tx,
    'status_history',
    HISTORY_COLUMNS,
    records.map((r) => [r.messageId, r.at, r.status, r.detail]),
  );
}
