// Opens a store on a PostgreSQL database: the pool, a check that the server is there and recent enough,
// the migrations, then the stores and the listener for other nodes' commits.
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { NowsmsError, type StoreLifecycle, type Stores } from 'nowsms';
import { clientConfig, describeUrl, openPool, type PoolOptions } from './db.ts';
import { AppendListeners, eventLog } from './events.ts';
import { leaseStore } from './leases.ts';
import { Listener } from './listen.ts';
import { mailboxStore } from './mailboxes.ts';
import { messageStore } from './messages.ts';
import { migrate } from './migrate.ts';
import { queueStore } from './queues.ts';
import { segmentStore } from './segments.ts';
import { UsersCache, userStore } from './users.ts';
import { OneTrip } from './one-trip.ts';
import { WriteQueue } from './write-queue.ts';

export type PostgresStore = Stores & StoreLifecycle;

export interface OpenOptions {
  url: string;
  ssl?: pg.PoolConfig['ssl'];
  /** Connections in the pool (reads run side by side on them; writes on two of them, one below 4). Default 10. */
  poolSize?: number;
  /** This node, as the owner of the queue entries it leases (releaseLeases() at start hands back its own). */
  nodeId: string;
  /** How long to wait for a connection to the server. Default 10 s. */
  connectTimeoutMs?: number;
}

/** Oldest server this store runs on: identity columns, EXECUTE FUNCTION, WITH (FORCE) for tests. */
const MIN_SERVER_VERSION = 120000;

export async function openPostgresStore(opts: OpenOptions): Promise<PostgresStore> {
  const o: PoolOptions = { url: opts.url, ssl: opts.ssl, poolSize: opts.poolSize ?? 10, connectTimeoutMs: opts.connectTimeoutMs ?? 10_000 };
  const where = describeUrl(opts.url);
  // Writes run one transaction at a time, two when a batch splits (write-queue.ts): their own connections,
  // planned for key lookups (db.ts); the rest of the pool reads.
  const writers = o.poolSize >= 4 ? 2 : 1;
  const pool = openPool(o, 'read', o.poolSize - writers);
  const writePool = openPool(o, 'write', writers);
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
    // The server going away during the migration fails its next statement; nothing else must hear of it.
    client.on('error', () => undefined);
  } catch (e) {
    await Promise.all([pool.end(), writePool.end()]).catch(() => undefined);
    throw new NowsmsError(
      'NOWSMS_ERR_STORE',
      `cannot connect to PostgreSQL at ${where}: ${(e as Error).message || String(e)}: check that the server runs and accepts connections, and the store's url (NOWSMS_DATABASE_URL)`,
      { cause: e },
    );
  }
  try {
    const version = Number((await client.query<{ v: number }>("SELECT current_setting('server_version_num')::int AS v")).rows[0]?.v ?? 0);
    if (version < MIN_SERVER_VERSION)
      throw new NowsmsError('NOWSMS_ERR_STORE', `PostgreSQL at ${where} is version ${version}: the store needs PostgreSQL 12 or later`);
    await migrate(client, where);
    client.release();
  } catch (e) {
    client.release(true);
    await Promise.all([pool.end(), writePool.end()]).catch(() => undefined);
    throw e;
  }
  // Tells this handle's own notifications from other nodes'.
  const handleId = randomBytes(8).toString('hex');
  const writes = new WriteQueue(writePool, where, handleId);
  // Queue leases: one round trip each, beside the other writes (queues.ts).
  const leases = new OneTrip(pool, where);
  const listeners = new AppendListeners();
  const listener = new Listener(clientConfig(o), handleId, (changes) => listeners.fire(changes));
  await listener.start();
  const users = new UsersCache(pool);
  let closing: Promise<void> | undefined;
  return {
    users: userStore(writes, users),
    messages: messageStore(pool, writes, users, opts.nodeId),
    queues: queueStore(pool, writes, leases, opts.nodeId),
    mailboxes: mailboxStore(pool, writes),
    segments: segmentStore(pool, writes),
    events: eventLog(pool, writes, listeners),
    leases: leaseStore(pool, writes),
    close: () =>
      (closing ??= (async () => {
        await Promise.all([writes.close(), leases.close()]);
        await listener.close();
        await Promise.all([pool.end(), writePool.end()]);
      })()),
  };
}
