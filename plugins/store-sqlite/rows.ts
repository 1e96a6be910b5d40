// Table rows and their mapping to the model: the one place that knows column names and encodings
// (times as epoch milliseconds, meta and targets as JSON, part data as BLOBs).
import type { Message, MessageStatus, MessageSummary, Part, PartSummary, RouteTarget, StatusEvent, StoredUser } from 'nowsms';
import type { Param } from './sqlite.ts';

export interface UserRow {
  name: string;
  full_name: string | null;
  smtp_login: number;
  smpp_login: number;
  http_login: number;
  http_admin: number;
  receive: number;
  forced_sender: string | null;
  daily_limit: number | null;
  monthly_limit: number | null;
  credits: number | null;
  allow_ips: string;
  source: 'config' | 'cli';
  password_hash: string;
  apop_secret: string | null;
  config_hash: string | null;
  removed: number;
  /** JSON array, built by USER_SELECT. */
  recipients: string;
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

/** A user with its recipients in their order, in one statement so the reader sees them from one snapshot. */
export const USER_SELECT = `
SELECT u.*, (SELECT json_group_array(address) FROM (SELECT address FROM user_recipients r WHERE r.user_name = u.name ORDER BY idx)) AS recipients
FROM users u`;

export function userFromRow(r: UserRow): StoredUser {
  const user: StoredUser = {
    name: r.name,
    smtpLogin: r.smtp_login === 1,
    smppLogin: r.smpp_login === 1,
    receive: r.receive === 1,
    recipients: JSON.parse(r.recipients) as string[],
    allowIps: JSON.parse(r.allow_ips) as string[],
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
  if (r.removed === 1) user.removed = true;
  // Optional rights: present only when granted, so accounts without them read as they did before.
  if (r.http_login === 1) user.httpLogin = true;
  if (r.http_admin === 1) user.httpAdmin = true;
  return user;
}

export function userParams(u: StoredUser): Param[] {
  return [
    u.name,
    u.fullName,
    u.smtpLogin ? 1 : 0,
    u.smppLogin ? 1 : 0,
    u.receive ? 1 : 0,
    u.forcedSender,
    u.dailyLimit,
    u.monthlyLimit,
    u.credits,
    JSON.stringify(u.allowIps ?? []),
    u.source,
    u.credentials.passwordHash,
    u.credentials.apopSecret,
    u.configHash,
    u.removed ? 1 : 0,
    u.httpLogin ? 1 : 0,
    u.httpAdmin ? 1 : 0,
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
