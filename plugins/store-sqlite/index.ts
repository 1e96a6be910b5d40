// The embedded store: SQLite in the data directory, filling the store slots.
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { definePlugin, parseOptions, type NowsmsPlugin } from 'nowsms';
import { DEFAULT_BUSY_TIMEOUT_MS } from './connection.ts';
import { openSqliteStore } from './open.ts';

export { openSqliteStore, type SqliteStore } from './open.ts';

const NAME = 'store-sqlite';

const optionsSchema = z.strictObject({
  /** The database file; default `<dataDir>/nowsms.db`. Relative to the config file's directory. */
  file: z.string().min(1).optional(),
  /** How long to wait for the write lock held by another process (the CLI, a second gateway). */
  busyTimeoutMs: z.number().int().min(0).default(DEFAULT_BUSY_TIMEOUT_MS),
});

export function sqliteStore(options?: { file?: string; busyTimeoutMs?: number }): NowsmsPlugin {
  const opts = parseOptions(NAME, optionsSchema, options);
  return definePlugin({
    name: NAME,
    async setup(api) {
      const file = opts.file ? path.resolve(api.config.configDir, opts.file) : path.join(api.config.dataDir, 'nowsms.db');
      await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      const store = await openSqliteStore(file, { busyTimeoutMs: opts.busyTimeoutMs });
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
