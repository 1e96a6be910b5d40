// Passwords at rest and logins. A password is kept as an scrypt hash. APOP (RFC 1939) needs the shared
// secret itself, so when APOP is on the secret is also kept encrypted (AES-256-GCM) with a key that lives in
// the data directory, mode 0600, outside the database: a copy of the database alone reveals no password.
// The trade-off: whoever can read both the key and the database can recover APOP secrets. Set
// `security.apop: false` to keep only hashes (then POP3 offers USER/PASS only).
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync, statSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AuthThrottle, logSafeName, plainIp, type AuthLimits } from './auth-throttle.ts';
import { NowsmsError } from './errors.ts';
import type { Logger } from './log.ts';
import type { Credentials, StoredUser, UserStore } from './types.ts';

const scrypt = (pw: string, salt: Buffer, len: number, opts: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scryptCb(pw, salt, len, opts, (err, key) => (err ? reject(err) : resolve(key))));

/** How long a verified password is remembered. */
const AUTH_CACHE_MS = 5 * 60_000;

const N = 16384;
const R = 8;
const P = 1;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 32, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [tag, n, r, p, salt, hash] = stored.split('$');
  if (tag !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const got = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: 256 * Number(n) * Number(r),
  });
  return got.length === expected.length && timingSafeEqual(got, expected);
}

/** The data directory's secret key, created on first use with mode 0600. */
export function loadSecretKey(dataDir: string): Buffer {
  const file = path.join(dataDir, 'secret.key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32)
    throw new NowsmsError('NOWSMS_ERR_CONFIG', `${file} is not a 32-byte base64 key: restore it from backup, or delete it and set every password again`);
  return key;
}

/**
 * Refuses a secret key that opens none of the stored APOP secrets: a second node started with a key of its own
 * (not the one copied from the first node), or a data dir restored without its key. Every APOP login would
 * fail as "bad password", the right password too, with nothing pointing at the key. The right key opens the
 * first secret tried: one decryption at start.
 */
export function checkSecretKey(users: StoredUser[], dataDir: string): void {
  const sealed = users.filter((u) => !u.removed && u.credentials.apopSecret);
  if (sealed.length === 0) return;
  const key = loadSecretKey(dataDir);
  const file = path.join(dataDir, 'secret.key');
  if (!sealed.some((u) => decryptSecret(key, u.credentials.apopSecret!) !== undefined))
    throw new NowsmsError(
      'NOWSMS_ERR_CONFIG',
      `${file} is not the key the stored passwords were sealed with (it opens none of the ${sealed.length} users' APOP secrets), so every POP3 APOP login would fail: ` +
        'on a second node, copy secret.key from a node that runs on this database; if the key is lost, set security.apop: false (USER/PASS logins keep working) or set every password again',
    );
}

export function encryptSecret(key: Buffer, secret: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([c.update(secret, 'utf8'), c.final()]);
  return `gcm$${iv.toString('base64')}$${c.getAuthTag().toString('base64')}$${data.toString('base64')}`;
}

export function decryptSecret(key: Buffer, sealed: string): string | undefined {
  const [tag, iv, authTag, data] = sealed.split('$');
  if (tag !== 'gcm' || !iv || !authTag || data === undefined) return undefined;
  try {
    const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    d.setAuthTag(Buffer.from(authTag, 'base64'));
    return Buffer.concat([d.update(Buffer.from(data, 'base64')), d.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

/**
 * The services a user logs in to, each with its login right. Core's: SMTP and POP3 (both need `smtpLogin`, as
 * the seed says), SMPP (`smppLogin`) and HTTP (`httpLogin`, or `httpAdmin`). A plug-in whose protocol lets
 * SMS users log in adds its own by declaration merging, once, in its package:
 * `declare module 'nowsms' { interface LoginRights { xmpp: true } }`. A user may log in to such a service
 * when the user's `rights` name it (`nowsms users set carol --rights xmpp`).
 */
export interface LoginRights {
  smtp: true;
  pop3: true;
  smpp: true;
  http: true;
}

export type Service = keyof LoginRights & string;

/** Plug-ins' login rights, as a user's `rights` (config, CLI, admin commands): service names. */
export const rightsSchema = z.array(z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'a service name: lower-case letters, digits and dashes'));

export interface LoginContext {
  service: Service;
  ip: string;
}

export type LoginRefusal = 'credentials' | 'service' | 'address';

/** A login to an account a plug-in keeps itself: `service` names the plug-in's protocol in logs (`mm7`). */
export interface AccountLoginContext {
  service: string;
  ip: string;
}

export interface Auth {
  /**
   * The user, when the password is right, the service is allowed and the IP is on the allow-list; else
   * undefined after a delay. Throws NOWSMS_ERR_AUTH_LOCKED (temporary) without checking anything when the
   * address or the account is locked out after too many failures (see auth-throttle.ts).
   */
  login(name: string, password: string, ctx: LoginContext): Promise<StoredUser | undefined>;
  /**
   * `login`, telling a refusal's reason only to whoever gave the right password: `service` (the account
   * lacks this service's login) or `address` (not on its allow-list); anything else, an unknown name
   * included, is `credentials`. A protocol that has codes for these (SMPP) can tell the account holder
   * what to fix without telling a guesser which names exist.
   */
  loginVerdict(name: string, password: string, ctx: LoginContext): Promise<{ user: StoredUser } | { refused: LoginRefusal }>;
  /** RFC 1939 APOP: digest = md5(timestamp + secret) in lower-case hex. */
  apop(name: string, timestamp: string, digest: string, ctx: LoginContext): Promise<StoredUser | undefined>;
  /** Whether APOP secrets are kept (security.apop). */
  readonly apopEnabled: boolean;
  /** Credentials for a new or changed password. */
  credentials(password: string): Promise<Credentials>;
  /**
   * A login to an account a plug-in keeps itself (MM7 VASP accounts), with the lockouts, failure delay and
   * fail2ban log line of `login`. `verify` answers undefined when the name and password are right (and the
   * address allowed), else why not (logged, never told to the client). Resolves true for a login, false
   * after the delay; throws NOWSMS_ERR_AUTH_LOCKED without calling `verify` when locked out.
   */
  accountLogin(name: string, ctx: AccountLoginContext, verify: () => string | undefined): Promise<boolean>;
}

function ipAllowed(ip: string, allow: string[]): boolean {
  if (allow.length === 0) return true;
  const addr = ip.replace(/^::ffff:/, '');
  return allow.some((entry) => {
    const [net, bits] = entry.split('/');
    if (!net) return false;
    if (bits === undefined) return net === addr;
    const toInt = (s: string) => s.split('.').reduce((a, o) => (a << 8) + Number(o), 0) >>> 0;
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(net) || !/^\d+\.\d+\.\d+\.\d+$/.test(addr)) return false;
    const b = Number(bits);
    const mask = b === 0 ? 0 : (~0 << (32 - b)) >>> 0;
    return (toInt(net) & mask) === (toInt(addr) & mask);
  });
}

function serviceAllowed(user: StoredUser, service: Service): boolean {
  if (service === 'smpp') return user.smppLogin;
  // An admin may read the status and provision without sending; the HTTP plug-in checks which right a path needs.
  if (service === 'http') return user.httpLogin === true || user.httpAdmin === true;
  if (service === 'smtp' || service === 'pop3') return user.smtpLogin; // the seed: SMTP login is needed for both
  return user.rights?.includes(service) === true;
}

/** Defaults of the security.authFailure* keys (config.ts repeats them in its schema). */
export const DEFAULT_AUTH_LIMITS: AuthLimits = { failuresPerIp: 10, failuresPerUser: 20, windowSeconds: 600, lockoutSeconds: 900 };

export function createAuth(opts: { users: () => UserStore; dataDir: string; apop: boolean; failureDelayMs: number; limits?: AuthLimits; log: Logger }): Auth {
  let key: Buffer | undefined;
  const secretKey = () => (key ??= loadSecretKey(opts.dataDir));
  const throttle = new AuthThrottle(opts.limits ?? DEFAULT_AUTH_LIMITS, opts.log);

  // The log line is the interface to fail2ban (docs/config.md): keep its wording and fields stable. The
  // name is the attacker's choice, so the message carries it only when it looks like a user name.
  const fail = async (ctx: AccountLoginContext, name: string, why: string): Promise<undefined> => {
    const count = throttle.failed(name, ctx.ip, ctx.service);
    opts.log.warn(
      { event: 'auth-failure', user: name, ip: ctx.ip, service: ctx.service, why },
      `authentication failed for user ${logSafeName(name)} from ${ctx.ip} (${ctx.service})`,
    );
    // Slow down guessing within a session too: the delay doubles per recent failure from the address, up to 8x.
    const delay = opts.failureDelayMs * Math.min(8, 2 ** (count - 1));
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    return undefined;
  };

  // SMPP 3.4 carries 8 characters of password; a client that cut a longer one sends its first 8. The
  // encrypted APOP copy (when kept) tells whether that is what happened, so the log can say so.
  const badPasswordWhy = (user: StoredUser, given: string | undefined, service: Service): string => {
    if (service !== 'smpp' || given === undefined || !user.credentials.apopSecret) return 'bad password';
    const secret = decryptSecret(secretKey(), user.credentials.apopSecret);
    if (secret === undefined || secret.length <= 8) return 'bad password';
    return secret.startsWith(given)
      ? `bad password: the client sent the first ${given.length} characters of the user's ${secret.length}-character password (SMPP 3.4 carries at most 8): give the user a password of at most 8 characters`
      : `bad password (the user's password has ${secret.length} characters; SMPP 3.4 carries at most 8)`;
  };

  const verdict = async (
    name: string,
    raw: LoginContext,
    verify: (u: StoredUser) => Promise<boolean> | boolean,
    given?: string,
  ): Promise<{ user: StoredUser } | { refused: LoginRefusal }> => {
    const ctx = { ...raw, ip: plainIp(raw.ip) };
    throttle.check(name, ctx.ip, ctx.service);
    const refuse = async (why: string, refused: LoginRefusal) => (await fail(ctx, name, why), { refused });
    const user = await opts.users().get(name);
    if (!user || user.removed) return refuse('unknown user', 'credentials');
    if (!(await verify(user))) return refuse(badPasswordWhy(user, given, ctx.service), 'credentials');
    if (!serviceAllowed(user, ctx.service)) return refuse(`no ${ctx.service} login`, 'service');
    if (!ipAllowed(ctx.ip, user.allowIps)) return refuse('address not allowed', 'address');
    throttle.succeeded(name, ctx.ip);
    return { user };
  };
  const check = async (name: string, raw: LoginContext, verify: (u: StoredUser) => Promise<boolean> | boolean, given?: string) => {
    const v = await verdict(name, raw, verify, given);
    return 'user' in v ? v.user : undefined;
  };

  // scrypt is slow on purpose; a mail client logs in every few minutes. Recently verified passwords are
  // remembered, in this process only, as a keyed hash that also covers the stored hash, so a changed
  // password never matches an old entry (Dovecot's auth cache, in short).
  const verified = new Map<string, number>();
  const cacheKey = (name: string, password: string, stored: string) =>
    createHmac('sha256', secretKey()).update(`${name}\0${password}\0${stored}`).digest('base64');
  const verifyCached = async (name: string, password: string, stored: string): Promise<boolean> => {
    const key = cacheKey(name, password, stored);
    const until = verified.get(key);
    if (until !== undefined && until > Date.now()) return true;
    if (!(await verifyPassword(password, stored))) return false;
    if (verified.size >= 10_000) verified.clear();
    verified.set(key, Date.now() + AUTH_CACHE_MS);
    return true;
  };

  return {
    apopEnabled: opts.apop,
    login: (name, password, ctx) => check(name, ctx, (u) => verifyCached(name, password, u.credentials.passwordHash), password),
    loginVerdict: (name, password, ctx) => verdict(name, ctx, (u) => verifyCached(name, password, u.credentials.passwordHash), password),
    apop: (name, timestamp, digest, ctx) =>
      check(name, ctx, (u) => {
        if (!opts.apop || !u.credentials.apopSecret) return false;
        const secret = decryptSecret(secretKey(), u.credentials.apopSecret);
        if (secret === undefined) return false;
        const want = createHash('md5')
          .update(timestamp + secret)
          .digest();
        const got = Buffer.from(digest.toLowerCase(), 'hex');
        return got.length === want.length && timingSafeEqual(got, want);
      }),
    accountLogin: async (name, raw, verify) => {
      const ctx = { ...raw, ip: plainIp(raw.ip) };
      throttle.check(name, ctx.ip, ctx.service);
      const why = verify();
      if (why !== undefined) return (await fail(ctx, name, why)) ?? false;
      throttle.succeeded(name, ctx.ip);
      return true;
    },
    credentials: async (password) => ({
      passwordHash: await hashPassword(password),
      ...(opts.apop ? { apopSecret: encryptSecret(secretKey(), password) } : {}),
    }),
  };
}
