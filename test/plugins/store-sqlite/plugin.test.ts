import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PluginApi, Stores } from '../../../core/index.ts';
import { sqliteStore } from '../../../plugins/store-sqlite/index.ts';
import { sms, tempDir } from './helpers.ts';

/** Just what a store plug-in touches of the gateway. */
function fakeApi(dataDir: string, configDir: string) {
  const stores: Partial<Stores> = {};
  const closers: (() => Promise<void> | void)[] = [];
  const api = {
    config: { dataDir, configDir },
    store: (slot: keyof Stores, impl: never) => void (stores[slot] = impl),
    onClose: (fn: () => Promise<void> | void) => void closers.push(fn),
  } as unknown as PluginApi;
  return {
    api,
    stores,
    close: async () => {
      for (const fn of closers.reverse()) await fn();
    },
  };
}

describe('store-sqlite plug-in', () => {
  it('creates <dataDir>/nowsms.db in a private directory and fills the seven store slots', async () => {
    const root = await tempDir();
    const dataDir = path.join(root, 'data', 'nested');
    const { api, stores, close } = fakeApi(dataDir, root);
    const plugin = sqliteStore();
    expect(plugin.name).toBe('store-sqlite');
    await plugin.setup(api);
    try {
      expect(Object.keys(stores).sort()).toEqual(['events', 'leases', 'mailboxes', 'messages', 'queues', 'segments', 'users']);
      expect((await fs.stat(dataDir)).mode & 0o777).toBe(0o700);
      expect((await fs.stat(path.join(dataDir, 'nowsms.db'))).mode & 0o077).toBe(0);
      const m = sms();
      await stores.messages!.commit([{ message: m, target: undefined }]);
      expect(await stores.messages!.get(m.id)).toEqual(m);
    } finally {
      await close();
    }
    await expect(stores.messages!.get('x')).rejects.toMatchObject({ code: 'NOWSMS_ERR_STORE' });
  });

  it('makes a database found readable by others (a restore, an older copy) and its WAL private again', async () => {
    const root = await tempDir();
    const dataDir = path.join(root, 'data');
    const first = fakeApi(dataDir, root);
    await sqliteStore().setup(first.api);
    await first.stores.messages!.commit([{ message: sms(), target: undefined }]);
    await first.close();
    // What `cp` from a backup or an untar under umask 022 leaves behind.
    const files = ['nowsms.db', 'nowsms.db-wal', 'nowsms.db-shm'].map((f) => path.join(dataDir, f));
    for (const f of files.slice(1)) await fs.writeFile(f, '', { flag: 'a' });
    for (const f of files) await fs.chmod(f, 0o644);
    const again = fakeApi(dataDir, root);
    await sqliteStore().setup(again.api);
    try {
      for (const f of files) expect({ f, mode: (await fs.stat(f)).mode & 0o777 }).toEqual({ f, mode: 0o600 });
    } finally {
      await again.close();
    }
  });

  it('uses the file option, relative to the config directory', async () => {
    const root = await tempDir();
    const { api, close } = fakeApi(path.join(root, 'data'), root);
    await sqliteStore({ file: 'elsewhere/gw.db', busyTimeoutMs: 100 }).setup(api);
    await close();
    await expect(fs.stat(path.join(root, 'elsewhere', 'gw.db'))).resolves.toBeDefined();
  });

  it('names the bad option', () => {
    expect(() => sqliteStore({ busyTimeoutMs: -1 })).toThrow(/plugins\.store-sqlite\.busyTimeoutMs/);
  });
});
