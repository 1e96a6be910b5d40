// What a store must give the contract suite: a way to open a fresh, empty database and to open it again.
import { afterEach } from 'vitest';
import type { Stores } from '../../core/index.ts';

/** One open handle on a store's database, as one gateway process holds it. */
export interface StoreHandle {
  stores: Stores;
  close(): Promise<void>;
  /** Close this handle and open the same database again, as a restart does (data on disk, nothing in memory). */
  reopen?(): Promise<StoreHandle>;
  /** A second handle on the same database, open beside this one: another process (the CLI, another node). */
  peer?(): Promise<StoreHandle>;
}

/** How the suite opens one kind of store. A new store joins the suite by adding its factory to `storeFactories`. */
export interface StoreFactory {
  /** Shown in every test's name. */
  name: string;
  /** A fresh, empty, migrated database. */
  open(): Promise<StoreHandle>;
}

/** Opens handles for one describe block and closes whatever a test left open after it. */
export function storeHarness(factory: StoreFactory): {
  open(): Promise<StoreHandle>;
  /** The same database after a restart; the old handle is closed. Skips (as a failure) for a store without `reopen`. */
  reopen(handle: StoreHandle): Promise<StoreHandle>;
  peer(handle: StoreHandle): Promise<StoreHandle>;
} {
  const open = new Set<StoreHandle>();
  afterEach(async () => {
    const left = [...open];
    open.clear();
    for (const h of left) await h.close();
  });
  const track = (h: StoreHandle): StoreHandle => {
    const tracked: StoreHandle = {
      stores: h.stores,
      close: async () => {
        open.delete(tracked);
        await h.close();
      },
    };
    if (h.reopen) {
      tracked.reopen = async () => {
        open.delete(tracked);
        return track(await h.reopen!());
      };
    }
    if (h.peer) tracked.peer = async () => track(await h.peer!());
    open.add(tracked);
    return tracked;
  };
  return {
    open: async () => track(await factory.open()),
    reopen: (handle) => {
      if (!handle.reopen) throw new Error(`the ${factory.name} factory cannot reopen a store: give it reopen()`);
      return handle.reopen();
    },
    peer: (handle) => {
      if (!handle.peer) throw new Error(`the ${factory.name} factory cannot open a second handle: give it peer()`);
      return handle.peer();
    },
  };
}
