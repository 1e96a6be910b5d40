// Table rows and their mapping to the model: the one place that knows column names and encodings
// (users here; messages, parts and history in ../store-common/rows.ts, shared with the other store).
import type { StoredUser } from 'nowsms';

export * from '../store-common/rows.ts';

export interface UserRow {
  name: string;
  full_name: string | null;
  smtp_login: boolean;
  smpp_login: boolean;
  http_login: boolean;
  http_admin: boolean;
  rights: string[];
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

/** The columns of MessageRow (never `SELECT *`: the idempotency key is not the model's). */
export const MESSAGE_FIELDS = 'id, direction, kind, from_addr, to_addr, subject, user_name, via, received_at, meta, status, target';

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
  if (r.rights.length > 0) user.rights = r.rights;
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
    JSON.stringify(u.rights ?? []),
  ];
}
