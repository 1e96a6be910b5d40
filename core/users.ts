// Users declared in the config meet users edited with the CLI here. The rule: a config declaration is
// applied when it is new or when it changed since it was last applied; otherwise the store (and so any CLI
// edit) wins. A config-declared user removed with the CLI stays removed until its declaration changes.
// So a restart never undoes a CLI change, and editing the config file always takes effect.
import { createHmac } from 'node:crypto';
import { normalizeAddress } from './address.ts';
import { loadSecretKey, type Auth } from './auth.ts';
import type { ConfigUser, ResolvedConfig } from './config.ts';
import { NowsmsError } from './errors.ts';
import type { Logger } from './log.ts';
import type { StoredUser, User, UserStore } from './types.ts';

/** The fields a user can be given, by config or CLI; everything but name is optional on `set`. */
export type UserFields = Partial<Omit<User, 'name' | 'source'>> & { password?: string; passwordHash?: string };

export function normalizeFields(fields: UserFields, numbering: ResolvedConfig['numbering']): UserFields {
  const out: UserFields = { ...fields };
  if (fields.recipients) out.recipients = [...new Set(fields.recipients.filter((r) => r.trim() !== '').map((r) => normalizeAddress(r, numbering)))];
  if (fields.rights) out.rights = [...new Set(fields.rights)];
  if (fields.forcedSender) out.forcedSender = normalizeAddress(fields.forcedSender, numbering);
  return out;
}

async function build(name: string, source: User['source'], fields: UserFields, base: StoredUser | undefined, auth: Auth): Promise<StoredUser> {
  const { password, passwordHash, ...rest } = fields;
  let credentials = base?.credentials;
  if (password !== undefined) credentials = await auth.credentials(password);
  else if (passwordHash !== undefined) credentials = { passwordHash };
  if (!credentials) throw new NowsmsError('NOWSMS_ERR_USER', `user ${name} needs a password (--password)`);
  const user: StoredUser = {
    name,
    smtpLogin: false,
    smppLogin: false,
    receive: true,
    recipients: [],
    allowIps: [],
    ...(base ? stripStored(base) : {}),
    ...rest,
    source,
    credentials,
  };
  for (const k of Object.keys(user) as (keyof StoredUser)[]) if (user[k] === undefined) delete user[k];
  return user;
}

function stripStored(u: StoredUser): Omit<StoredUser, 'credentials' | 'removed'> {
  const { credentials: _c, removed: _r, ...rest } = u;
  return rest;
}

/** Who else already receives these numbers: two users must not claim one number. */
async function checkRecipients(store: UserStore, name: string, recipients: string[] | undefined): Promise<void> {
  for (const r of recipients ?? []) {
    const other = await store.findByRecipient(r);
    if (other && other.name !== name) throw new NowsmsError('NOWSMS_ERR_USER', `recipient address ${r} already belongs to user ${other.name}`);
  }
}

export async function addUser(store: UserStore, auth: Auth, config: ResolvedConfig, name: string, fields: UserFields): Promise<StoredUser> {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(name))
    throw new NowsmsError('NOWSMS_ERR_USER', `user name ${name}: use letters, digits, dot, dash or underscore (at most 64)`);
  const existing = await store.get(name);
  if (existing && !existing.removed) throw new NowsmsError('NOWSMS_ERR_USER', `user ${name} already exists: use 'nowsms users set'`);
  if (fields.password === undefined && fields.passwordHash === undefined)
    throw new NowsmsError('NOWSMS_ERR_USER', `user ${name} needs a password (--password)`);
  const f = normalizeFields(fields, config.numbering);
  await checkRecipients(store, name, f.recipients);
  const user = await build(name, existing?.source ?? 'cli', f, undefined, auth);
  if (existing?.configHash) user.configHash = existing.configHash;
  await store.put(user);
  return user;
}

export async function setUser(store: UserStore, auth: Auth, config: ResolvedConfig, name: string, fields: UserFields): Promise<StoredUser> {
  const existing = await store.get(name);
  if (!existing || existing.removed) throw new NowsmsError('NOWSMS_ERR_USER', `no user ${name}: use 'nowsms users add'`);
  const f = normalizeFields(fields, config.numbering);
  await checkRecipients(store, name, f.recipients);
  const user = await build(name, existing.source, f, existing, auth);
  if (existing.configHash) user.configHash = existing.configHash;
  await store.put(user);
  return user;
}

export async function removeUser(store: UserStore, name: string): Promise<boolean> {
  const existing = await store.get(name);
  if (!existing || existing.removed) return false;
  return store.remove(name, { tombstone: existing.source === 'config' });
}

/** Fingerprint of a declaration, keyed so that the password inside cannot be guessed from it. */
function declarationHash(u: ConfigUser, key: Buffer): string {
  const canonical = JSON.stringify(
    Object.keys(u)
      .sort()
      .map((k) => [k, u[k as keyof ConfigUser]]),
  );
  return createHmac('sha256', key).update(canonical).digest('base64');
}

export async function applyConfigUsers(store: UserStore, auth: Auth, config: ResolvedConfig, log: Logger): Promise<void> {
  if (config.users.length === 0) return;
  const key = loadSecretKey(config.dataDir);
  for (const declared of config.users) {
    const hash = declarationHash(declared, key);
    const existing = await store.get(declared.name);
    if (existing?.configHash === hash) {
      if (existing.removed)
        log.warn({ user: declared.name }, 'user is declared in the config but was removed with the CLI; it stays removed until its declaration changes');
      continue;
    }
    const { name, ...fields } = declared;
    const f = normalizeFields(fields, config.numbering);
    await checkRecipients(store, name, f.recipients);
    // A changed declaration replaces the whole account (CLI edits included): the config file is the operator's latest word.
    const user = await build(name, 'config', f, undefined, auth);
    user.configHash = hash;
    if (existing && !existing.removed && existing.source === 'cli')
      log.warn({ user: name }, 'config now declares a user created with the CLI; the declaration replaces it');
    else if (existing) log.info({ user: name }, 'config declaration changed; applied');
    else log.info({ user: name }, 'user created from config');
    const smppWarning = smppPasswordWarning(user, declared.password);
    if (smppWarning) log.warn({ user: name }, smppWarning);
    await store.put(user);
  }
}

/** SMPP 3.4 carries a password of at most 8 characters (section 5.2.4: 9 octets with the NUL). */
export const SMPP_MAX_PASSWORD = 8;

/** Why a password will not work over SMPP, or undefined: clients such as Kannel cut it to 8 and fail to bind. */
export function smppPasswordWarning(user: { name: string; smppLogin: boolean }, password: string | undefined): string | undefined {
  if (!user.smppLogin || password === undefined || password.length <= SMPP_MAX_PASSWORD) return undefined;
  return `user ${user.name} has SMPP login and a password of ${password.length} characters: SMPP 3.4 carries at most ${SMPP_MAX_PASSWORD}, and clients such as Kannel cut it and fail to bind ("Invalid Password"); choose a password of at most ${SMPP_MAX_PASSWORD} characters`;
}

/** What `users list` shows: never the credentials. */
export function publicView(u: StoredUser): User & { apop: boolean } {
  const { credentials, configHash: _h, removed: _r, ...rest } = u;
  return { ...rest, apop: Boolean(credentials.apopSecret) };
}
