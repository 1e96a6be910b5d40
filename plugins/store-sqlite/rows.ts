// Table rows and their mapping to the model: the one place that knows column names and encodings
// (users here; messages, parts and history in ../store-common/rows.ts, shared with the other store).
import type { StoredUser } from 'nowsms';
import type { Param } from './sqlite.ts';

export * from '../store-common/rows.ts';

export interface UserRow {
  name: string;
  full_name: string | null;
  smtp_login: number;
  smpp_login: number;
  http_login: number;
  http_admin: number;
  /** JSON array of plug-ins' login rights. */
  rights: string;
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
  const rights = JSON.parse(r.rights) as string[];
  if (rights.length > 0) user.rights = rights;
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
    JSON.stringify(u.rights ?? []),
  ];
}
