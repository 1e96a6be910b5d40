// SQLite specifics of commit: the file lock another process holds. Commit atomicity, limits and credits are
// in the store contract suite (test/store-contract), which runs against this store.
import { describe, expect, it } from 'vitest';
import sqlite3 from 'sqlite3';
import type { CommitItem } from '../../../core/index.ts';
import { openSqliteStore } from '../../../plugins/store-sqlite/index.ts';
import { sms, tempFile } from './helpers.ts';

const toSmsc = (u: string): CommitItem => ({ message: sms({ user: u }), target: { kind: 'connection', id: 'smsc1' } });

describe('store-sqlite commit', () => {
  it('a write lock held past busyTimeoutMs by another process is a temporary failure, and the store carries on', async () => {
    const file = await tempFile();
    const store = await openSqliteStore(file, { busyTimeoutMs: 50 });
    try {
      const other = await new Promise<sqlite3.Database>((resolve, reject) => {
        const db = new sqlite3.Database(file, (err) => (err ? reject(err) : resolve(db)));
      });
      const exec = (sql: string) => new Promise<void>((resolve, reject) => other.exec(sql, (err) => (err ? reject(err) : resolve())));
      await exec('BEGIN IMMEDIATE');
      await expect(store.messages.commit([toSmsc('lea')])).rejects.toMatchObject({ code: 'NOWSMS_ERR_STORE', temporary: true });
      await exec('COMMIT');
      await new Promise<void>((resolve) => other.close(() => resolve()));
      const later = toSmsc('lea');
      await store.messages.commit([later]);
      expect(await store.messages.get(later.message.id)).toEqual(later.message);
    } finally {
      await store.close();
    }
  });
});
