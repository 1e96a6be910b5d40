// Every status change goes through here, so the current status and the history never disagree. The
// history is also the event log (events.ts): each row's id is its seq, so rows are appended in the order
// of the changes, and a change records where it put the message (its target) for the reactors.
import { historyRow, targetColumns } from '../store-common/history.ts';
import { NowsmsError, type MessageStatus, type StatusChange } from 'nowsms';
import { AppendedChanges, lastIds, newChange, withSeqs, type Appended, type MessageAbout } from '../store-common/changes.ts';
import { insertRows, updateRows } from './bulk.ts';
import type { Sql } from './sqlite.ts';

export const HISTORY_COLUMNS = ['message_id', 'at', 'status', 'detail', 'target_kind', 'target_id'] as const;

export type Target = StatusChange['target'];

export { historyRow, targetColumns };

export interface StatusRecord {
  messageId: string;
  status: MessageStatus;
  detail: string | undefined;
  at: number;
  target?: Target;
}

const appended = new AppendedChanges<Sql>();

/** The transaction on `tx` appended to the log, and these changes if it can tell them (see AppendedChanges). */
export const noteAppended = (tx: Sql, changes?: StatusChange[]): void => appended.note(tx, changes);
export const spoilAppended = (tx: Sql): void => appended.spoil(tx);
export const takeAppended = (tx: Sql): Appended | undefined => appended.take(tx);

export async function recordStatus(tx: Sql, messageId: string, status: MessageStatus, detail?: string, target?: Target, at = Date.now()): Promise<void> {
  const { changes } = await tx.run('UPDATE messages SET status = ? WHERE id = ?', [status, messageId]);
  if (changes === 0) throw new NowsmsError('NOWSMS_ERR_STORE', `message ${messageId} is not in the store`);
  noteAppended(tx);
  await tx.run('INSERT INTO status_history (message_id, at, status, detail, target_kind, target_id) VALUES (?, ?, ?, ?, ?, ?)', [
    messageId,
    at,
    status,
    detail,
    ...targetColumns(target),
  ]);
}

/**
 * Many changes at once, in order (a group of completions or reports): each goes into the history (seqs in
 * the order of `records`), and each message keeps the last of its own as its status. The caller has made
 * sure every message exists.
 */
export async function recordStatuses(tx: Sql, records: StatusRecord[], about?: Map<string, MessageAbout>): Promise<void> {
  await updateRows(
    tx,
    'messages',
    ['id'],
    'status',
    records.map((r) => [r.messageId, r.status]),
  );
  const lastId = await insertRows(tx, 'status_history', HISTORY_COLUMNS, records.map(historyRow));
  if (records.length === 0) return;
  // With what the event log joins from each message, the changes can be told as they are.
  const told = about && records.every((r) => about.has(r.messageId)) ? records.map((r) => newChange(r, about.get(r.messageId)!)) : undefined;
  noteAppended(tx, told && withSeqs(told, lastIds(told.length, lastId)));
}
