// Opens the writer and the reader connections with the PRAGMAs the durability promise rests on.
import { setTimeout as sleep } from 'node:timers/promises';
import { NowsmsError } from 'nowsms';
import { openDb, primaryCode, type Db } from './sqlite.ts';

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
    // NORMAL writes the WAL at every COMMIT and syncs it at checkpoints only: the write queue syncs it
    // itself (Db.sync, on the thread pool) before it resolves any job of the commit. So an acknowledged
    // message survives kill -9 and power loss, as with FULL, but the event loop never waits for the disk.
    await db.run('PRAGMA synchronous = NORMAL');
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

/**
 * Stops the writer's statements from waiting for another process's lock on the event loop: from now on,
 * BEGIN IMMEDIATE through `beginImmediate` waits instead, between tries, with timers.
 */
export async function waitForLocksOffTheEventLoop(db: Db): Promise<void> {
  await db.get('PRAGMA busy_timeout = 0');
}

/**
 * BEGIN IMMEDIATE, taking the write lock up front, so no job fails midway on it. While another process (the
 * CLI) holds it, tries again with growing pauses, up to `busyTimeoutMs`; then throws its SQLITE_BUSY
 * (a temporary NOWSMS_ERR_STORE).
 */
export async function beginImmediate(db: Db, busyTimeoutMs: number): Promise<void> {
  const deadline = Date.now() + busyTimeoutMs;
  for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
    try {
      await db.run('BEGIN IMMEDIATE');
      return;
    } catch (e) {
      const code = primaryCode((e as { cause?: { code?: string } }).cause?.code);
      const left = deadline - Date.now();
      if (code !== 'SQLITE_BUSY' || left <= 0) throw e;
      await sleep(Math.min(pause, left));
    }
  }
}
