import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../plugins/store-sqlite/schema.ts';
import { close, open, sms, tempFile } from './helpers.ts';

function setVersion(file: string, version: number): void {
  const db = new Database(file);
  try {
    db.prepare('UPDATE schema_version SET version = ?').run(version);
  } finally {
    db.close();
  }
}

describe('store-sqlite migrations', () => {
  it('reopening a current database keeps its data', async () => {
    const file = await tempFile();
    const store = await open(file);
    const m = sms();
    await store.messages.commit([{ message: m, target: undefined }]);
    await close(store);
    const again = await open(file);
    expect(await again.messages.get(m.id)).toEqual(m);
  });

  it('refuses a database from a newer nowsms, naming both versions', async () => {
    const file = await tempFile();
    await close(await open(file));
    const newer = MIGRATIONS.length + 5;
    setVersion(file, newer);
    await expect(open(file)).rejects.toMatchObject({
      code: 'NOWSMS_ERR_STORE',
      message: expect.stringMatching(new RegExp(`schema version ${newer}.*knows version ${MIGRATIONS.length}`)),
    });
    // and leaves the file as it was, usable again once the code catches up
    setVersion(file, MIGRATIONS.length);
    await close(await open(file));
  });
});
