// The rows a commit writes for each new message, the same in both stores: its first status (by where it
// was routed), the message, its parts, its mailbox or queue entry, its history row and that row's change.
import { NowsmsError, type CommitItem, type Message, type MessageStatus } from 'nowsms';
import { newChange, type NewChange } from './changes.ts';
import { historyRow } from './history.ts';

/** A column's value, as both stores bind it. */
export type Value = string | number | bigint | Buffer | null | undefined;

/** What one message adds. */
export interface ItemRows {
  message: Value[];
  parts: Value[][];
  mailbox?: Value[];
  queue?: Value[];
  history: Value[];
  /** The history row as the event log's change, but for its seq. */
  change: NewChange;
  segments?: string;
}

/** What a group of commits adds, table by table, in the order of its messages. */
export interface Rows {
  messages: Value[][];
  parts: Value[][];
  mailbox: Value[][];
  queue: Value[][];
  history: Value[][];
  changes: NewChange[];
  segments: string[];
}

export const noRows = (): Rows => ({ messages: [], parts: [], mailbox: [], queue: [], history: [], changes: [], segments: [] });

export function add(rows: Rows, items: ItemRows[]): void {
  for (const r of items) {
    rows.messages.push(r.message);
    rows.parts.push(...r.parts);
    if (r.mailbox) rows.mailbox.push(r.mailbox);
    if (r.queue) rows.queue.push(r.queue);
    rows.history.push(r.history);
    rows.changes.push(r.change);
    if (r.segments !== undefined) rows.segments.push(r.segments);
  }
}

/**
 * The rows one message adds; the message is stored with its first status, which the history also records.
 * A queue row is `message_id, connection_id, attempts, next_attempt_at, leased_until`, and `leased_by`
 * after them when the store keeps who leased (`leasedBy`: this store's node).
 */
export function rowsOf(
  { message: m, target, consumesSegments, idempotencyKey, detail: why, delayUntil, leasedUntil }: CommitItem,
  now: number,
  leasedBy?: string,
): ItemRows {
  // A delayed MT is queued now, its first attempt due at its time (the dispatcher leases only what is due).
  const due = delayUntil ? Math.max(now, delayUntil.getTime()) : now;
  let status: MessageStatus;
  let detail: string | undefined;
  const out: Partial<ItemRows> = {};
  switch (target?.kind) {
    case 'mailbox':
      out.mailbox = [target.user, m.id, m.id, now];
      [status, detail] = ['in-mailbox', target.user];
      break;
    case 'connection': {
      // Handed to this process's dispatcher at commit (core/dispatcher.ts: claim): leased already.
      const until = leasedUntil && !delayUntil ? leasedUntil.getTime() : null;
      out.queue = [m.id, target.id, 0, due, until, ...(leasedBy === undefined ? [] : [until === null ? null : leasedBy])];
      [status, detail] = ['queued', target.id];
      break;
    }
    case undefined:
      // An MO that no route claimed is kept as received (and listed); it has nowhere to be sent.
      if (m.direction === 'MO') {
        [status, detail] = ['received', 'no route claimed it'];
        break;
      }
      // An MT no connection carries waits in the queue, visible, until assign() gives it one.
      out.queue = [m.id, null, 0, due, null, ...(leasedBy === undefined ? [] : [null])];
      [status, detail] = ['no-route', why];
      break;
    case 'command':
      // The two-way plug-in runs the command later; the target column keeps which one.
      [status, detail] = ['received', target.id];
      break;
    default:
      throw new NowsmsError(
        'NOWSMS_ERR_STORE',
        `message ${m.id} has target ${JSON.stringify(target)}, which cannot be stored: a rejected message is not committed`,
      );
  }
  return {
    ...out,
    message: messageRow(m, status, target ? JSON.stringify(target) : null, idempotencyKey),
    parts: m.parts.map((p, idx) => [m.id, idx, p.contentType, p.name, p.contentId, p.data]),
    // The change records the route too: the event log's readers learn the mailbox or connection from it.
    history: historyRow({ messageId: m.id, status, detail, at: now, target }),
    change: newChange({ messageId: m.id, status, detail, at: now, target }, m),
    ...(consumesSegments !== undefined ? { segments: consumesSegments } : {}),
  };
}

function messageRow(m: Message, status: MessageStatus, target: string | null, idempotencyKey: string | undefined): Value[] {
  return [
    m.id,
    m.direction,
    m.kind,
    m.from,
    m.to,
    m.subject,
    m.user,
    m.via,
    m.receivedAt.getTime(),
    JSON.stringify(m.meta ?? {}),
    status,
    target,
    idempotencyKey,
  ];
}
