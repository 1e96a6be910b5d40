// Opens the writer and the reader connections with the PRAGMAs the durability promise rests on.
import { NowsmsError } from 'nowsms';
import { openDb, type Db } from './sqlite.ts';

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

export async function openWriter(file: string, busyTimeoutMs: number): Promise<Db> {
  const db = await openDb(file, 'readwrite');
  try {
    // Set first: the CLI and a running gateway share the file, and WAL's switch itself may wait for a lock.
    await db.get(`PRAGMA busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
    const mode = await db.get<{ journal_mode: string }>('PRAGMA journal_mode = WAL');
    if (mode?.journal_mode !== 'wal') {
      throw new NowsmsError(
        'NOWSMS_ERR_STORE',
        `store ${file}: could not switch to WAL journaling (got ${mode?.journal_mode}); put the data directory on a local disk`,
      );
    }
    // FULL syncs the WAL at every COMMIT: an acknowledged message survives kill -9 and power loss, not just a crash.
    await db.run('PRAGMA synchronous = FULL');
    await db.run('PRAGMA foreign_keys = ON');
    return db;
  } catch (e) {
    await db.close().catch(() => undefined);
    throw e;
  }
}

/** Read-only, so a bug can never write outside the writer's queue; opened after the writer made the file WAL. */
export async function openReader(file: string, busyTimeoutMs: number): Promise<Db> {
  const db = await openDb(file, 'readonly');
  try {
    await db.get(`PRAGMA busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
    return db;
  } catch (e) {
    await db.close().catch(() => undefined);
    throw e;
  }
}
