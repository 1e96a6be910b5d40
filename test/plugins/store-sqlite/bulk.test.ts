import { describe, expect, it } from 'vitest';
import { insertRows } from '../../../plugins/store-sqlite/bulk.ts';
import { openDb } from '../../../plugins/store-sqlite/sqlite.ts';
import { tempFile } from './helpers.ts';

describe('store-sqlite multi-row inserts', () => {
  it('stores every value as it was given: numeric-looking text stays text, BLOBs stay bytes, rows keep their order', async () => {
    const db = await openDb(await tempFile(), 'readwrite');
    try {
      await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, addr TEXT, n INTEGER, x REAL, data BLOB, note TEXT)');
      const small = Buffer.from([0, 1, 0xfe, 0xff]);
      await insertRows(
        db,
        't',
        ['addr', 'n', 'x', 'data', 'note'],
        [
          ['+0015550001111', 7, 1.5, small, null],
          ['0042', 2n ** 40n, -0.25, Buffer.alloc(0), undefined],
          ['zoë "quoted" \\ \n', 0, 0, null, '{"json":"inside"}'],
        ],
      );
      const rows = await db.all<Record<string, unknown>>('SELECT id, addr, typeof(addr) AS t, n, x, data, note FROM t ORDER BY id');
      expect(rows).toEqual([
        { id: 1, addr: '+0015550001111', t: 'text', n: 7, x: 1.5, data: small, note: null },
        { id: 2, addr: '0042', t: 'text', n: 2 ** 40, x: -0.25, data: Buffer.alloc(0), note: null },
        { id: 3, addr: 'zoë "quoted" \\ \n', t: 'text', n: 0, x: 0, data: null, note: '{"json":"inside"}' },
      ]);
    } finally {
      await db.close();
    }
  });

  it('binds large BLOBs as parameters, byte for byte, and replaces rows when asked', async () => {
    const db = await openDb(await tempFile(), 'readwrite');
    try {
      await db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, data BLOB)');
      const big = Buffer.alloc(200_000, 0xab);
      big[123] = 0;
      await insertRows(
        db,
        't',
        ['k', 'data'],
        [
          ['big', big],
          ['small', Buffer.from('x')],
        ],
      );
      await insertRows(db, 't', ['k', 'data'], [['small', Buffer.from('y')]], 'INSERT OR REPLACE');
      await expect(insertRows(db, 't', ['k', 'data'], [['big', null]])).rejects.toMatchObject({ code: 'NOWSMS_ERR_STORE', message: /UNIQUE/ });
      const rows = await db.all<{ k: string; data: Buffer }>('SELECT k, data FROM t ORDER BY k');
      expect(rows.map((r) => r.k)).toEqual(['big', 'small']);
      expect(rows[0]!.data.equals(big)).toBe(true);
      expect(rows[1]!.data).toEqual(Buffer.from('y'));
    } finally {
      await db.close();
    }
  });
});
