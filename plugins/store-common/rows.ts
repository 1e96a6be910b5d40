// The rows of messages, parts and status history and their mapping to the model, the same in both stores
// (times as epoch milliseconds, meta and targets as JSON text, part data as bytes).
import type { Message, MessageStatus, MessageSummary, Part, PartSummary, QueueEntry, RouteTarget, StatusEvent } from 'nowsms';

export interface MessageRow {
  id: string;
  direction: Message['direction'];
  kind: Message['kind'];
  from_addr: string;
  to_addr: string;
  subject: string | null;
  user_name: string | null;
  via: string | null;
  received_at: number;
  meta: string;
  status: MessageStatus;
  target: string | null;
}

export interface PartRow {
  message_id: string;
  content_type: string;
  name: string | null;
  content_id: string | null;
  data: Buffer | null;
}

export interface HistoryRow {
  message_id: string;
  at: number;
  status: MessageStatus;
  detail: string | null;
}

export function partFromRow(r: PartRow): Part {
  const part: Part = { contentType: r.content_type, data: r.data ?? Buffer.alloc(0) };
  if (r.name !== null) part.name = r.name;
  if (r.content_id !== null) part.contentId = r.content_id;
  return part;
}

export function messageFromRow(r: MessageRow, parts: Part[]): Message {
  const m: Message = {
    id: r.id,
    direction: r.direction,
    kind: r.kind,
    from: r.from_addr,
    to: r.to_addr,
    parts,
    receivedAt: new Date(r.received_at),
    meta: JSON.parse(r.meta) as Record<string, unknown>,
  };
  if (r.subject !== null) m.subject = r.subject;
  if (r.user_name !== null) m.user = r.user_name;
  if (r.via !== null) m.via = r.via;
  return m;
}

export function historyFromRow(r: HistoryRow): StatusEvent {
  const e: StatusEvent = { at: new Date(r.at), status: r.status };
  if (r.detail !== null) e.detail = r.detail;
  return e;
}

/** A parts row without its data, with the data's length. */
export interface PartSizeRow {
  message_id: string;
  content_type: string;
  name: string | null;
  content_id: string | null;
  size: number;
}

export function partSummaryFromRow(r: PartSizeRow): PartSummary {
  const p: PartSummary = { contentType: r.content_type, size: r.size };
  if (r.name !== null) p.name = r.name;
  if (r.content_id !== null) p.contentId = r.content_id;
  return p;
}

export function summaryFromRow(r: MessageRow, history: StatusEvent[], parts: PartSummary[] = []): MessageSummary {
  const s: MessageSummary = {
    id: r.id,
    direction: r.direction,
    kind: r.kind,
    from: r.from_addr,
    to: r.to_addr,
    receivedAt: new Date(r.received_at),
    status: r.status,
    parts,
    history,
  };
  if (r.user_name !== null) s.user = r.user_name;
  if (r.via !== null) s.via = r.via;
  if (r.subject !== null) s.subject = r.subject;
  if (r.target !== null) s.target = JSON.parse(r.target) as RouteTarget;
  return s;
}

/** A queue row's columns as a lease reads them. */
export interface QueueRow {
  message_id: string;
  connection_id: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
}

/** A leased queue row and its message. */
export function queueEntryFromRow(r: QueueRow, message: Message): QueueEntry {
  const entry: QueueEntry = {
    messageId: r.message_id,
    connectionId: r.connection_id,
    attempts: r.attempts,
    nextAttemptAt: new Date(r.next_attempt_at),
    message,
  };
  if (r.last_error !== null) entry.lastError = r.last_error;
  return entry;
}
