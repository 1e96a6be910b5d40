// UserStore: the "SMS Users" accounts and the recipient addresses that route messages to them.
//
// Reads are served from a cache of every account (the pipeline looks up the submitting user and the
// recipient's user for every message). It stays right this way:
// - this store's own writes (put, remove, a commit that spends credits) invalidate it before they resolve,
//   so a read issued after one of them resolved reads the table again;
// - every change to `users` or `user_recipients`, by any process (the CLI beside a running gateway), bumps
//   `users_version` (triggers, migration 3). A cache older than USERS_RECHECK_MS is checked against it
//   before use (one small query), and read again only when it changed. So another process's change is
//   seen at most USERS_RECHECK_MS after it committed.
import type { StoredUser, UserStore } from 'nowsms';
import type { ReadQueue } from './read-queue.ts';
import { USER_SELECT, userFromRow, userParams, type UserRow } from './rows.ts';
import type { WriteQueue } from './write-queue.ts';

/** How long the cache is used without asking SQLite whether another process changed the users. */
export const USERS_RECHECK_MS = 200;

const UPSERT = `
INSERT INTO users (name, full_name, smtp_login, smpp_login, receive, forced_sender, daily_limit, monthly_limit, credits,
                   allow_ips, source, password_hash, apop_secret, config_hash, removed, http_login, http_admin, rights)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (name) DO UPDATE SET
  full_name = excluded.full_name, smtp_login = excluded.smtp_login, smpp_login = excluded.smpp_login,
  receive = excluded.receive, forced_sender = excluded.forced_sender, daily_limit = excluded.daily_limit,
  monthly_limit = excluded.monthly_limit, credits = excluded.credits, allow_ips = excluded.allow_ips,
  source = excluded.source, password_hash = excluded.password_hash, apop_secret = excluded.apop_secret,
  config_hash = excluded.config_hash, removed = excluded.removed, http_login = excluded.http_login, http_admin = excluded.http_admin,
  rights = excluded.rights`;

const VERSION = 'SELECT version FROM users_version';

interface Snapshot {
  /** Every account, tombstoned ones included, by name. */
  byName: Map<string, StoredUser>;
  /** Ordered by name. */
  sorted: StoredUser[];
  /** The receiving, not removed, user of each number (the first by name when two claim it). */
  byAddress: Map<string, StoredUser>;
  version: number;
  /** UsersCache.generation when the read that made it was issued. */
  generation: number;
  /** When the read that made it, or last confirmed it, was issued (performance.now()). */
  checkedAt: number;
}

export class UsersCache {
  private snapshot: Snapshot | undefined;
  /** Bumped by this store's own writes to users. */
  private generation = 0;
  private inflight: { generation: number; startedAt: number; promise: Promise<Snapshot> } | undefined;

  constructor(private readonly reads: ReadQueue) {}

  /** This store changed users: reads issued from now on must not be answered from what was read before. */
  invalidate(): void {
    this.generation++;
  }

  /** A snapshot that reflects every write that resolved before this call. */
  current(): Promise<Snapshot> {
    if (this.reads.isClosed) return Promise.reject(this.reads.closedError());
    const want = this.generation;
    const now = performance.now();
    const s = this.snapshot;
    if (s && s.generation >= want && now - s.checkedAt < USERS_RECHECK_MS) return Promise.resolve(s);
    const f = this.inflight;
    if (f && f.generation >= want && now - f.startedAt < USERS_RECHECK_MS) return f.promise;
    return this.refresh(want, now);
  }

  private refresh(generation: number, startedAt: number): Promise<Snapshot> {
    // Still right as far as this process's writes go: only another process can have changed anything.
    const base = this.snapshot && this.snapshot.generation >= generation ? this.snapshot : undefined;
    const promise = (async () => {
      if (base) {
        const row = await this.reads.read((sql) => sql.get<{ version: number }>(VERSION), { single: true });
        if (row?.version === base.version) {
          base.checkedAt = Math.max(base.checkedAt, startedAt);
          return base;
        }
      }
      const { version, rows } = await this.reads.read(async (sql) => ({
        version: (await sql.get<{ version: number }>(VERSION))?.version ?? 0,
        rows: await sql.all<UserRow>(`${USER_SELECT} ORDER BY u.name`),
      }));
      const fresh = build(rows.map(userFromRow), version, generation, startedAt);
      // Refreshes may overlap: the one issued last wins.
      if (!this.snapshot || this.snapshot.checkedAt <= startedAt) this.snapshot = fresh;
      return fresh;
    })();
    const flight = { generation, startedAt, promise };
    this.inflight = flight;
    const done = () => {
      if (this.inflight === flight) this.inflight = undefined;
    };
    promise.then(done, done);
    return promise;
  }
}

function build(users: StoredUser[], version: number, generation: number, checkedAt: number): Snapshot {
  const byAddress = new Map<string, StoredUser>();
  for (const u of users) {
    if (!u.receive || u.removed) continue;
    for (const address of u.recipients) if (!byAddress.has(address)) byAddress.set(address, u);
  }
  return { byName: new Map(users.map((u) => [u.name, u])), sorted: users, byAddress, version, generation, checkedAt };
}

/** Callers get their own copy: nothing they change reaches the cache. */
function copy(u: StoredUser | undefined): StoredUser | undefined {
  return u && { ...u, recipients: [...u.recipients], allowIps: [...u.allowIps], credentials: { ...u.credentials } };
}

export function userStore(reads: ReadQueue, writes: WriteQueue, cache: UsersCache): UserStore {
  // Invalidate once the write is over, committed or not, before its caller goes on.
  const changing = <T>(p: Promise<T>): Promise<T> =>
    p.then(
      (v) => {
        cache.invalidate();
        return v;
      },
      (e: unknown) => {
        cache.invalidate();
        throw e;
      },
    );

  return {
    // A tombstoned user is returned with removed: true, so config sync can tell it from a never-seen one.
    get: async (name) => copy((await cache.current()).byName.get(name)),

    list: async (opts = {}) => (await cache.current()).sorted.filter((u) => opts.includeRemoved || !u.removed).map((u) => copy(u)!),

    put: (user: StoredUser) =>
      changing(
        writes.write(async (tx) => {
          // An upsert, not INSERT OR REPLACE: REPLACE deletes the row first, which would cascade to other tables.
          await tx.run(UPSERT, userParams(user));
          await tx.run('DELETE FROM user_recipients WHERE user_name = ?', [user.name]);
          for (const [idx, address] of user.recipients.entries()) {
            await tx.run('INSERT INTO user_recipients (user_name, idx, address) VALUES (?, ?, ?)', [user.name, idx, address]);
          }
        }),
      ),

    remove: (name, opts = {}) =>
      changing(
        writes.write(async (tx) => {
          // A tombstone keeps the row (and its recipients, for when the declaration comes back) but the
          // removed flag takes it out of list() and findByRecipient().
          const { changes } = opts.tombstone
            ? await tx.run('UPDATE users SET removed = 1 WHERE name = ?', [name])
            : await tx.run('DELETE FROM users WHERE name = ?', [name]);
          return changes > 0;
        }),
      ),

    // Two accounts claiming one number: the first by name wins, so routing is at least predictable.
    findByRecipient: async (address) => copy((await cache.current()).byAddress.get(address)),
  };
}
