// Every status change goes through here, so the current status and the history never disagree.
import { NowsmsError, type MessageStatus } from '../../core/index.ts';
import type { Sql } from './sqlite.ts';

export async function recordStatus(tx: Sql, messageId: string, status: MessageStatus, detail?: string, at = Date.now()): Promise<void> {
  const { changes } = await tx.run('UPDATE messages SET status = ? WHERE id = ?', [status, messageId]);
  if (changes === 0) throw new NowsmsError('NOWSMS_ERR_STORE', `message ${messageId} is not in the store`);
  await tx.run('INSERT INTO status_history (message_id, at, status, detail) VALUES (?, ?, ?, ?)', [messageId, at, status, detail]);
}
