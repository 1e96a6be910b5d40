// Every status change goes through here, so the current status and the history never disagree. The
// history is also the event log (events.ts): each row's id is its seq, so rows are appended in the order
// of the changes, and a change records where it put the message (its target) for the reactors.
import { historyRow, targetColumns } from '../store-common/history.ts';
import { NowsmsError, type MessageStatus, type StatusChange } from 'nowsms';
import { lastIds, newChange, withSeqs, type MessageAbout } from '../store-common/changes.ts';
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

/** What a transaction appended: its changes with their seqs, or 'unknown' (the followers read them). */
export type Appended = StatusChange[] | 'unknown';

const appended = new WeakMap<Sql, Appended>();

/**
 * The transaction on `tx` appended to the log: its COMMIT wakes the log's followers (write-queue.ts). Every
 * write of history rows says so; one that forgot would only be seen later, at the followers' next poll. A
 * write that tells its changes too (`changes`, in seq order) spares this process's followers a read of
 * them, if every write of the transaction does.
 */
export function noteAppended(tx: Sql, changes?: StatusChange[]): void {
  const now = appended.get(tx);
  if (changes === undefined || now === 'unknown') appended.set(tx, 'unknown');
  else if (now === undefined) appended.set(tx, changes);
  else now.push(...changes);
}

/** Part of the transaction was undone (ROLLBACK TO a savepoint): what it told may not be in the log any more. */
export function spoilAppended(tx: Sql): void {
  if (appended.has(tx)) appended.set(tx, 'unknown');
}

/** What the transaction just ended appended to the log (undefined: nothing); clears it. */
export function takeAppended(tx: Sql): Appended | undefined {
  const a = appended.get(tx);
  appended.delete(tx);
  return a;
}

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
