// SQLite specifics of commit: the file lock another process holds. Commit atomicity, limits and credits are
// in the store contract suite (test/store-contract), which runs against this store.
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import type { CommitItem } from '../../../core/index.ts';
import { openSqliteStore } from '../../../plugins/store-sqlite/index.ts';
import { sms, tempFile } from './helpers.ts';

const toSmsc = (u: string): CommitItem => ({ message: sms({ user: u }), target: { kind: 'connection', id: 'smsc1' } });

describe('store-sqlite commit', () => {
  it('a write lock held past busyTimeoutMs by another process is a temporary failure, and the store carries on', async () => {
    const file = await tempFile();
    const store = await openSqliteStore(file, { busyTimeoutMs: 50 });
    try {
      const other = new Database(file);
      other.exec('BEGIN IMMEDIATE');
      await expect(store.messages.commit([toSmsc('lea')])).rejects.toMatchObject({ code: 'NOWSMS_ERR_STORE', temporary: true });
      other.exec('COMMIT');
      other.close();
      const later = toSmsc('lea');
      await store.messages.commit([later]);
      expect(await store.messages.get(later.message.id)).toEqual(later.message);
    } finally {
      await store.close();
    }
  });

  it("waits for another process's write lock without stopping the event loop, then commits", async () => {
    const file = await tempFile();
    const store = await openSqliteStore(file, { busyTimeoutMs: 5000 });
    const other = new Database(file);
    try {
      other.exec('BEGIN IMMEDIATE');
      const item = toSmsc('lea');
      const commit = store.messages.commit([item]);
      // Timers fire while the commit waits for the lock: SQLite's own busy wait would hold the event loop
      // (and every other session of the gateway) for as long as the lock is held.
      let ticks = 0;
      await new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          if (++ticks === 10) {
            clearInterval(timer);
            resolve();
          }
        }, 10);
      });
      other.exec('COMMIT');
      await commit;
      expect(await store.messages.get(item.message.id)).toEqual(item.message);
    } finally {
      other.close();
      await store.close();
    }
  });
});
