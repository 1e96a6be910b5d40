// The PostgreSQL store in the contract suite: the real plug-in on a fresh database (CREATE DATABASE) of a
// throwaway server this test file starts (test/helpers/postgres.ts), dropped with its last handle.
import { afterAll } from 'vitest';
import { openPostgresStore } from '../../plugins/store-postgres/index.ts';
import { sharedPostgres, stopSharedPostgres, type PostgresServer } from '../helpers/postgres.ts';
import type { StoreFactory, StoreHandle } from './factory.ts';

afterAll(stopSharedPostgres);

let nodes = 0;

async function handle(server: PostgresServer, database: string, handles: Set<StoreHandle>): Promise<StoreHandle> {
  // Each handle is a node of its own: leases it takes are its own.
  const store = await openPostgresStore({ url: server.url(database), nodeId: `node-${++nodes}`, poolSize: 4 });
  const h: StoreHandle = {
    stores: store,
    close: async () => {
      handles.delete(h);
      await store.close();
      if (handles.size === 0) await server.dropDatabase(database);
    },
    reopen: async () => {
      handles.delete(h);
      await store.close();
      return handle(server, database, handles);
    },
    peer: () => handle(server, database, handles),
  };
  handles.add(h);
  return h;
}

export const postgresFactory: StoreFactory = {
  name: 'postgres',
  open: async () => {
    const server = await sharedPostgres();
    return handle(server, await server.createDatabase(), new Set());
  },
};
