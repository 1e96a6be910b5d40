// UserStore: the "SMS Users" accounts and the recipient addresses that route messages to them.
//
// Reads are served from a cache of every account (the pipeline looks up the submitting user and the
// recipient's user for every message), as in the SQLite store. It stays right this way:
// - this store's own writes (put, remove, a commit that spends credits) invalidate it before they resolve;
// - every change to `users`, by any node or the CLI, bumps `users_version` (a trigger). A cache older than
//   USERS_RECHECK_MS is checked against it before use (one small query), and read again only when it
//   changed. So another node's change is seen at most USERS_RECHECK_MS after it committed.
import type pg from 'pg';
import type { StoredUser, UserStore } from 'nowsms';
import { all, get, run } from './db.ts';
import { userFromRow, userParams, type UserRow } from './rows.ts';
import type { WriteQueue } from './write-queue.ts';

export const USERS_RECHECK_MS = 200;

const UPSERT = `
INSERT INTO users (name, full_name, smtp_login, smpp_login, receive, forced_sender, daily_limit, monthly_limit, credits,
                   allow_ips, recipients, source, password_hash, apop_secret, config_hash, removed, http_login, http_admin, rights)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
ON CONFLICT (name) DO UPDATE SET
  full_name = excluded.full_name, smtp_login = excluded.smtp_login, smpp_login = excluded.smpp_login,
  receive = excluded.receive, forced_sender = excluded.forced_sender, daily_limit = excluded.daily_limit,
  monthly_limit = excluded.monthly_limit, credits = excluded.credits, allow_ips = excluded.allow_ips,
  recipients = excluded.recipients, source = excluded.source, password_hash = excluded.password_hash,
  apop_secret = excluded.apop_secret, config_hash = excluded.config_hash, removed = excluded.removed,
  http_login = excluded.http_login, http_admin = excluded.http_admin, rights = excluded.rights`;

const VERSION = 'SELECT version FROM users_version';

interface Snapshot {
  byName: Map<string, StoredUser>;
  /** Ordered by name. */
  sorted: StoredUser[];
  /** The receiving, not removed, user of each number (the first by name when two claim it). */
  byAddress: Map<string, StoredUser>;
  version: number;
  generation: number;
  checkedAt: number;
}

export class UsersCache {
  private snapshot: Snapshot | undefined;
  private generation = 0;
  private inflight: { generation: number; startedAt: number; promise: Promise<Snapshot> } | undefined;

  constructor(private readonly pool: pg.Pool) {}

  invalidate(): void {
    this.generation++;
  }

  /** A snapshot that reflects every write that resolved before this call. */
  current(): Promise<Snapshot> {
    const want = this.generation;
    const now = performance.now();
    const s = this.snapshot;
    if (s && s.generation >= want && now - s.checkedAt < USERS_RECHECK_MS) return Promise.resolve(s);
    const f = this.inflight;
    if (f && f.generation >= want && now - f.startedAt < USERS_RECHECK_MS) return f.promise;
    return this.refresh(want, now);
  }

  private refresh(generation: number, startedAt: number): Promise<Snapshot> {
    const base = this.snapshot && this.snapshot.generation >= generation ? this.snapshot : undefined;
    const promise = (async () => {
      if (base) {
        const row = await get<{ version: number }>(this.pool, VERSION);
        if (row?.version === base.version) {
          base.checkedAt = Math.max(base.checkedAt, startedAt);
          return base;
        }
      }
      // The version and the rows from one snapshot: a statement sees one.
      const rows = await all<UserRow & { version: number }>(
        this.pool,
        'SELECT u.*, (SELECT version FROM users_version) AS version FROM users u ORDER BY u.name COLLATE "C"',
      );
      const version = rows[0]?.version ?? (await get<{ version: number }>(this.pool, VERSION))?.version ?? 0;
      const fresh = build(rows.map(userFromRow), version, generation, startedAt);
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

export function userStore(writes: WriteQueue, cache: UsersCache): UserStore {
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
    get: async (name) => copy((await cache.current()).byName.get(name)),

    list: async (opts = {}) => (await cache.current()).sorted.filter((u) => opts.includeRemoved || !u.removed).map((u) => copy(u)!),

    put: (user: StoredUser) =>
      changing(
        writes.write(async (tx) => {
          await run(tx, UPSERT, userParams(user));
        }),
      ),

    remove: (name, opts = {}) =>
      changing(
        writes.write(async (tx) => {
          // A tombstone keeps the row (and its recipients, for when the declaration comes back) but the
          // removed flag takes it out of list() and findByRecipient().
          const changes = opts.tombstone
            ? await run(tx, 'UPDATE users SET removed = true WHERE name = $1', [name])
            : await run(tx, 'DELETE FROM users WHERE name = $1', [name]);
          return changes > 0;
        }),
      ),

    findByRecipient: async (address) => copy((await cache.current()).byAddress.get(address)),
  };
}
