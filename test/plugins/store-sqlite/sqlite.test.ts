import { describe, expect, it } from 'vitest';
import { openDb } from '../../../plugins/store-sqlite/sqlite.ts';
import { tempFile } from './helpers.ts';

describe('store-sqlite statements', () => {
  it('says why a statement cannot be prepared, and keeps working', async () => {
    const db = await openDb(await tempFile(), 'readwrite');
    try {
      await expect(db.run('SELECT * FROM nope')).rejects.toMatchObject({
        code: 'NOWSMS_ERR_STORE',
        message: expect.stringMatching(/no such table: nope \(while running: SELECT \* FROM nope\)$/),
      });
      await db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v BLOB)');
      // The same SQL again, now that it can be prepared: the failed statement was not kept.
      await expect(db.all('SELECT * FROM t')).resolves.toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('runs a kept statement again after it failed, and close finalizes every kept statement', async () => {
    const db = await openDb(await tempFile(), 'readwrite');
    await db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v BLOB)');
    const insert = 'INSERT INTO t (k, v) VALUES (?, ?)';
    await db.run(insert, ['a', Buffer.from([0, 1, 2])]);
    await expect(db.run(insert, ['a', null])).rejects.toMatchObject({ message: expect.stringMatching(/UNIQUE constraint failed/) });
    expect(await db.run(insert, ['b', undefined])).toMatchObject({ changes: 1 });
    expect(await db.get('SELECT k, v FROM t WHERE k = ?', ['a'])).toEqual({ k: 'a', v: Buffer.from([0, 1, 2]) });
    expect(await db.all('SELECT k, v FROM t ORDER BY k')).toEqual([
      { k: 'a', v: Buffer.from([0, 1, 2]) },
      { k: 'b', v: null },
    ]);
    await db.close();
    await expect(db.get('SELECT 1')).rejects.toMatchObject({ code: 'NOWSMS_ERR_STORE', message: expect.stringMatching(/is closed/) });
  });
});
