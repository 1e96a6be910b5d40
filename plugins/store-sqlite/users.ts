// UserStore: the "SMS Users" accounts and the recipient addresses that route messages to them.
import type { StoredUser, UserStore } from '../../core/index.ts';
import type { ReadQueue } from './read-queue.ts';
import { USER_SELECT, userFromRow, userParams, type UserRow } from './rows.ts';
import type { WriteQueue } from './write-queue.ts';

const UPSERT = `
INSERT INTO users (name, full_name, smtp_login, smpp_login, receive, forced_sender, daily_limit, monthly_limit, credits,
                   allow_ips, source, password_hash, apop_secret, config_hash, removed)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (name) DO UPDATE SET
  full_name = excluded.full_name, smtp_login = excluded.smtp_login, smpp_login = excluded.smpp_login,
  receive = excluded.receive, forced_sender = excluded.forced_sender, daily_limit = excluded.daily_limit,
  monthly_limit = excluded.monthly_limit, credits = excluded.credits, allow_ips = excluded.allow_ips,
  source = excluded.source, password_hash = excluded.password_hash, apop_secret = excluded.apop_secret,
  config_hash = excluded.config_hash, removed = excluded.removed`;

export function userStore(reads: ReadQueue, writes: WriteQueue): UserStore {
  return {
    get: (name) =>
      reads.read(async (sql) => {
        const row = await sql.get<UserRow>(`${USER_SELECT} WHERE u.name = ?`, [name]);
        // A tombstoned user is returned with removed: true, so config sync can tell it from a never-seen one.
        return row && userFromRow(row);
      }),

    list: (opts = {}) =>
      reads.read(async (sql) => {
        const where = opts.includeRemoved ? '' : 'WHERE u.removed = 0';
        return (await sql.all<UserRow>(`${USER_SELECT} ${where} ORDER BY u.name`)).map(userFromRow);
      }),

    put: (user: StoredUser) =>
      writes.write(async (tx) => {
        // An upsert, not INSERT OR REPLACE: REPLACE deletes the row first, which would cascade to other tables.
        await tx.run(UPSERT, userParams(user));
        await tx.run('DELETE FROM user_recipients WHERE user_name = ?', [user.name]);
        for (const [idx, address] of user.recipients.entries()) {
          await tx.run('INSERT INTO user_recipients (user_name, idx, address) VALUES (?, ?, ?)', [user.name, idx, address]);
        }
      }),

    remove: (name, opts = {}) =>
      writes.write(async (tx) => {
        // A tombstone keeps the row (and its recipients, for when the declaration comes back) but the
        // removed flag takes it out of list() and findByRecipient().
        const { changes } = opts.tombstone
          ? await tx.run('UPDATE users SET removed = 1 WHERE name = ?', [name])
          : await tx.run('DELETE FROM users WHERE name = ?', [name]);
        return changes > 0;
      }),

    findByRecipient: (address) =>
      reads.read(async (sql) => {
        // Two accounts claiming one number: the first by name wins, so routing is at least predictable.
        const row = await sql.get<UserRow>(
          `${USER_SELECT} WHERE u.receive = 1 AND u.removed = 0
           AND u.name IN (SELECT user_name FROM user_recipients WHERE address = ?)
         ORDER BY u.name LIMIT 1`,
          [address],
        );
        return row && userFromRow(row);
      }),
  };
}
