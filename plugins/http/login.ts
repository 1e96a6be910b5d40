// Who is asking: User/Password parameters (NowSMS), username/password (Kannel) or HTTP Basic, checked by
// core's auth (failure delay, lockouts, the fail2ban line, service "http"). A refusal says what to fix only
// to whoever gave the right password (core's loginVerdict): a guesser learns nothing about names.
import { isAuthLocked, type PluginApi, type StoredUser } from 'nowsms';
import { HttpError } from './errors.ts';

export interface Credentials {
  name: string;
  password: string;
}

export const REALM = 'Basic realm="nowsms"';

export function basicCredentials(header: string | undefined): Credentials | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? undefined : { name: text.slice(0, colon), password: text.slice(colon + 1) };
}

export type Right = 'send' | 'admin';

/**
 * The logged-in user with this right, or an HttpError: 401 (no or wrong credentials, after core's delay),
 * 403 (right password, but no HTTP login / admin right, or not from this address), 429 (locked out).
 */
export async function logIn(api: PluginApi, credentials: Credentials | undefined, ip: string, right: Right): Promise<StoredUser> {
  const unauthorized = (message: string) => new HttpError(401, 'NOWSMS_ERR_AUTH', message, { 'www-authenticate': REALM });
  if (!credentials || credentials.name === '') throw unauthorized('log in: give User= and Password= (or HTTP Basic) of a user with the HTTP login right');
  let verdict;
  try {
    verdict = await api.auth.loginVerdict(credentials.name, credentials.password, { service: 'http', ip });
  } catch (err) {
    if (isAuthLocked(err)) throw new HttpError(429, 'NOWSMS_ERR_AUTH_LOCKED', (err as Error).message, { 'retry-after': '60' });
    throw err;
  }
  if ('refused' in verdict) {
    if (verdict.refused === 'credentials') throw unauthorized('wrong user name or password');
    if (verdict.refused === 'address') throw new HttpError(403, 'NOWSMS_ERR_AUTH', `user ${credentials.name} may not log in from ${ip}`);
    throw new HttpError(403, 'NOWSMS_ERR_AUTH', `user ${credentials.name} has no HTTP login: nowsms users set ${credentials.name} --http-login`);
  }
  const user = verdict.user;
  if (right === 'send' && !user.httpLogin)
    throw new HttpError(403, 'NOWSMS_ERR_AUTH', `user ${user.name} has no HTTP login: nowsms users set ${user.name} --http-login`);
  if (right === 'admin' && !user.httpAdmin)
    throw new HttpError(403, 'NOWSMS_ERR_AUTH', `user ${user.name} has no HTTP admin right: nowsms users set ${user.name} --http-admin`);
  return user;
}
