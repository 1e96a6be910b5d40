// The shared store: PostgreSQL, for several gateway nodes on one database (SQLite stays the embedded default).
import { z } from 'zod';
import { definePlugin, NowsmsError, parseOptions, type NowsmsPlugin } from 'nowsms';
import type { OpenOptions, PostgresStore } from './open.ts';

export type { OpenOptions, PostgresStore } from './open.ts';

/**
 * Opens the store on a database (what the plug-in does in setup). The driver and the store's modules load on
 * the first call: a gateway on SQLite, whose config names this plug-in only when NOWSMS_DATABASE_URL is set,
 * does not load them at start.
 */
export async function openPostgresStore(opts: OpenOptions): Promise<PostgresStore> {
  return (await import('./open.ts')).openPostgresStore(opts);
}

const NAME = 'store-postgres';

const optionsSchema = z.strictObject({
  /** postgres://user:password@host:port/database?sslmode=...; default: the NOWSMS_DATABASE_URL environment variable. */
  url: z.string().min(1).optional(),
  /** TLS to the server, as node-postgres takes it: true, or { ca, cert, key, rejectUnauthorized, ... }. */
  ssl: z.union([z.boolean(), z.record(z.string(), z.unknown())]).optional(),
  /** Connections in the pool. */
  poolSize: z.number().int().min(2).max(1000).default(10),
  /** This node's name, owner of the queue entries it leases; default the config's nodeId (host name and data dir). */
  nodeId: z.string().min(1).max(200).optional(),
  /** How long to wait for a connection to the server. */
  connectTimeoutMs: z.number().int().min(100).default(10_000),
});

export type PostgresStoreOptions = z.input<typeof optionsSchema>;

export function postgresStore(options?: PostgresStoreOptions): NowsmsPlugin {
  const opts = parseOptions(NAME, optionsSchema, options);
  return definePlugin({
    name: NAME,
    async setup(api) {
      const url = opts.url ?? process.env.NOWSMS_DATABASE_URL;
      if (!url)
        throw new NowsmsError(
          'NOWSMS_ERR_CONFIG',
          `${NAME}: no database URL: set NOWSMS_DATABASE_URL (postgres://user:password@host:5432/nowsms) or give postgresStore({ url })`,
        );
      const store = await openPostgresStore({
        url,
        ...(opts.ssl !== undefined ? { ssl: opts.ssl } : {}),
        poolSize: opts.poolSize,
        nodeId: opts.nodeId ?? api.config.nodeId,
        connectTimeoutMs: opts.connectTimeoutMs,
      });
      api.onClose(() => store.close());
      api.store('users', store.users);
      api.store('messages', store.messages);
      api.store('queues', store.queues);
      api.store('mailboxes', store.mailboxes);
      api.store('segments', store.segments);
      api.store('events', store.events);
      api.store('leases', store.leases);
    },
  });
}
