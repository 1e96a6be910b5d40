// The SQLite store in the contract suite: the real plug-in on a file in a temp dir, removed with its last handle.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../plugins/store-sqlite/index.ts';
import type { StoreFactory, StoreHandle } from './factory.ts';

async function handle(file: string, handles: Set<StoreHandle>): Promise<StoreHandle> {
  const store = await openSqliteStore(file);
  const h: StoreHandle = {
    stores: store,
    close: async () => {
      handles.delete(h);
      await store.close();
      if (handles.size === 0) await fs.rm(path.dirname(file), { recursive: true, force: true });
    },
    reopen: async () => {
      handles.delete(h);
      await store.close();
      return handle(file, handles);
    },
    peer: () => handle(file, handles),
  };
  handles.add(h);
  return h;
}

export const sqliteFactory: StoreFactory = {
  name: 'sqlite',
  open: async () => handle(path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'nowsms-contract-')), 'nowsms.db'), new Set()),
};
