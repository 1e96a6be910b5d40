// Opens a store file: the writer first (it sets WAL and migrates), then the reader, then the stores.
import fs from 'node:fs/promises';
import { NowsmsError, type StoreLifecycle, type Stores } from 'nowsms';
import { DEFAULT_BUSY_TIMEOUT_MS, openReader, openWriter, waitForLocksOffTheEventLoop } from './connection.ts';
import { eventLog } from './events.ts';
import { leaseStore } from './leases.ts';
import { mailboxStore } from './mailboxes.ts';
import { messageStore } from './messages.ts';
import { migrate } from './migrate.ts';
import { queueStore } from './queues.ts';
import { segmentStore } from './segments.ts';
import { ReadQueue } from './read-queue.ts';
import { UsersCache, userStore } from './users.ts';
import { WriteQueue } from './write-queue.ts';

export type SqliteStore = Stores & StoreLifecycle;

export async function openSqliteStore(file: string, opts: { busyTimeoutMs?: number } = {}): Promise<SqliteStore> {
  const busyTimeoutMs = opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  // Password hashes and people's messages live here: create it readable by the gateway's user only
  // (SQLite gives the -wal and -shm files the same mode).
  try {
    await (await fs.open(file, 'a', 0o600)).close();
    // A file that existed already (a restore from backup, a copy made under umask 022) keeps its mode:
    // make it, and the WAL files SQLite gives the same mode, private again.
    for (const f of [file, `${file}-wal`, `${file}-shm`]) await privateMode(f);
  } catch (e) {
    const why = (e as Error).message;
    throw new NowsmsError(
      'NOWSMS_ERR_STORE',
      `cannot create the store file ${file} or make it private (${why}): check that its directory exists and that it and the file belong to the gateway's user`,
      { cause: e },
    );
  }
  const writer = await openWriter(file, busyTimeoutMs);
  let reader;
  try {
    await migrate(writer, busyTimeoutMs);
    await waitForLocksOffTheEventLoop(writer);
    reader = await openReader(file, busyTimeoutMs);
  } catch (e) {
    await writer.close().catch(() => undefined);
    throw e;
  }
  const reads = new ReadQueue(reader);
  const writes = new WriteQueue(writer, busyTimeoutMs);
  const users = new UsersCache(reads);
  let closing: Promise<void> | undefined;
  return {
    users: userStore(reads, writes, users),
    messages: messageStore(reads, writes, users),
    queues: queueStore(reads, writes),
    mailboxes: mailboxStore(reads, writes),
    segments: segmentStore(reads, writes),
    events: eventLog(reads, writes),
    leases: leaseStore(reads, writes),
    close: () =>
      (closing ??= (async () => {
        await Promise.all([writes.close(), reads.close()]);
        // The reader first: the writer, closing last, checkpoints the WAL into the main file.
        await reader.close();
        await writer.close();
      })()),
  };
}

/** chmod 0600 when group or others may read or write the file; a file that is not there is left alone. */
async function privateMode(file: string): Promise<void> {
  let mode: number;
  try {
    mode = (await fs.stat(file)).mode;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if ((mode & 0o077) !== 0) await fs.chmod(file, 0o600);
}
