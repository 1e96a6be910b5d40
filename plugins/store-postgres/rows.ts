// Table rows and their mapping to the model: the one place that knows column names and encodings
// (times as epoch milliseconds, meta and targets as JSON text, part data as bytea).
import type { Message, MessageStatus, MessageSummary, Part, PartSummary, RouteTarget, StatusEvent, StoredUser } from 'nowsms';

export interface UserRow {
  name: string;
  full_name: string | null;
  smtp_login: boolean;
  smpp_login: boolean;
  http_login: boolean;
  http_admin: boolean;
  receive: boolean;
  forced_sender: string | null;
  daily_limit: number | null;
  monthly_limit: number | null;
  credits: number | null;
  allow_ips: string[];
  recipients: string[];
  source: 'config' | 'cli';
  password_hash: string;
  apop_secret: string | null;
  config_hash: string | null;
  removed: boolean;
}

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

/** The columns of MessageRow (never `SELECT *`: the idempotency key is not the model's). */
export const MESSAGE_FIELDS = 'id, direction, kind, from_addr, to_addr, subject, user_name, via, received_at, meta, status, target';

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

export function userFromRow(r: UserRow): StoredUser {
  const user: StoredUser = {
    name: r.name,
    smtpLogin: r.smtp_login,
    smppLogin: r.smpp_login,
    receive: r.receive,
    recipients: r.recipients,
    allowIps: r.allow_ips,
    source: r.source,
    credentials: { passwordHash: r.password_hash },
  };
  if (r.full_name !== null) user.fullName = r.full_name;
  if (r.forced_sender !== null) user.forcedSender = r.forced_sender;
  if (r.daily_limit !== null) user.dailyLimit = r.daily_limit;
  if (r.monthly_limit !== null) user.monthlyLimit = r.monthly_limit;
  if (r.credits !== null) user.credits = r.credits;
  if (r.apop_secret !== null) user.credentials.apopSecret = r.apop_secret;
  if (r.config_hash !== null) user.configHash = r.config_hash;
  if (r.removed) user.removed = true;
  // Optional rights: present only when granted.
  if (r.http_login) user.httpLogin = true;
  if (r.http_admin) user.httpAdmin = true;
  return user;
}

export function userParams(u: StoredUser): unknown[] {
  return [
    u.name,
    u.fullName ?? null,
    u.smtpLogin,
    u.smppLogin,
    u.receive,
    u.forcedSender ?? null,
    u.dailyLimit ?? null,
    u.monthlyLimit ?? null,
    u.credits ?? null,
    JSON.stringify(u.allowIps ?? []),
    JSON.stringify(u.recipients ?? []),
    u.source,
    u.credentials.passwordHash,
    u.credentials.apopSecret ?? null,
    u.configHash ?? null,
    u.removed ?? false,
    u.httpLogin ?? false,
    u.httpAdmin ?? false,
  ];
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
