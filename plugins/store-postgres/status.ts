// Every status change goes through here, so the current status and the history never disagree. The
// history is also the event log (events.ts): each row's id is its seq, and a change records where it put
// the message (its target) for the reactors.
import { historyRow, targetColumns } from '../store-common/history.ts';
import { NowsmsError, type MessageStatus, type StatusChange } from 'nowsms';
import { AppendedChanges, type Appended } from '../store-common/changes.ts';
import { insertRows, updateRows, type Column } from './bulk.ts';
import { run, type Sql } from './db.ts';

export const HISTORY_COLUMNS: readonly Column[] = [
  ['message_id', 'text'],
  ['at', 'int8'],
  ['status', 'text'],
  ['detail', 'text'],
  ['target_kind', 'text'],
  ['target_id', 'text'],
];

export type Target = StatusChange['target'];

/** The INSERT of history rows given as six arrays ($1..$6, in HISTORY_COLUMNS' order), seqs in their order. */
export const HISTORY_INSERT = `INSERT INTO status_history (message_id, at, status, detail, target_kind, target_id)
SELECT a, b, c, d, e, f FROM unnest($1::text[], $2::int8[], $3::text[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS h(a, b, c, d, e, f, ord) ORDER BY ord`;

export interface StatusRecord {
  messageId: string;
  status: MessageStatus;
  detail: string | undefined;
  at: number;
  target?: Target;
}

export { historyRow, targetColumns };

const appended = new AppendedChanges<Sql>();

/** The transaction on `tx` appended to the log, and these changes if it can tell them (see AppendedChanges). */
export const noteAppended = (tx: Sql, changes?: StatusChange[]): void => appended.note(tx, changes);
export const spoilAppended = (tx: Sql): void => appended.spoil(tx);
export const takeAppended = (tx: Sql): Appended | undefined => appended.take(tx);

export async function recordStatus(tx: Sql, messageId: string, status: MessageStatus, detail?: string, target?: Target, at = Date.now()): Promise<void> {
  const changed = await run(
    tx,
    `WITH m AS (UPDATE messages SET status = $2 WHERE id = $1 RETURNING id)
     INSERT INTO status_history (message_id, at, status, detail, target_kind, target_id) SELECT id, $3::int8, $2::text, $4::text, $5::text, $6::text FROM m`,
    [messageId, status, at, detail ?? null, ...targetColumns(target)],
  );
  if (changed === 0) throw new NowsmsError('NOWSMS_ERR_STORE', `message ${messageId} is not in the store`);
  noteAppended(tx);
}

/** Many changes at once, in order: seqs follow `records`, and each message keeps the last of its own. */
export async function recordStatuses(tx: Sql, records: StatusRecord[]): Promise<void> {
  if (records.length === 0) return;
  await updateRows(
    tx,
    'messages',
    [['id', 'text']],
    ['status', 'text'],
    records.map((r) => [r.messageId, r.status]),
  );
  await insertRows(tx, 'status_history', HISTORY_COLUMNS, records.map(historyRow));
  noteAppended(tx);
}
