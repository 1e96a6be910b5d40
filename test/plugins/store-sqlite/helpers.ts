// Temp-dir stores for the store-sqlite tests: every store opened here is closed and every dir removed after each test.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../../../plugins/store-sqlite/index.ts';

const opened: SqliteStore[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
  await Promise.all(dirs.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
});

export async function tempDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'nowsms-store-'));
  dirs.push(dir);
  return dir;
}

export async function tempFile(): Promise<string> {
  return path.join(await tempDir(), 'nowsms.db');
}

/** Opens (or reopens) a store; the test's cleanup closes it. */
export async function open(file: string): Promise<SqliteStore> {
  const store = await openSqliteStore(file);
  opened.push(store);
  return store;
}

/** Closes a store early (to reopen its file), so cleanup does not close it twice. */
export async function close(store: SqliteStore): Promise<void> {
  opened.splice(opened.indexOf(store), 1);
  await store.close();
}

// The same messages and users as the store contract suite builds on.
export { sms, user } from '../../store-contract/fixtures.ts';
