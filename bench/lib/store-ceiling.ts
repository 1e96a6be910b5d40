// The store alone, as an intake uses it, with no protocol and no pipeline in front: the most any server could
// answer with the same durable store. Two shapes:
// - batches (SMPP): `window` messages committed together, each batch awaited before the next, as a windowed
//   client's submits are when every answer waits for its commit;
// - clients (SMTP): C committers, each with one message in flight, as C SMTP clients each wait for their
//   250 before the next mail; the store's group commit joins what arrives together.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { newMessageId, type CommitItem } from '../../core/index.ts';
import { openPostgresStore } from '../../plugins/store-postgres/index.ts';
import { openSqliteStore } from '../../plugins/store-sqlite/index.ts';

export type ItemOf = (i: number) => CommitItem;

/** An MT SMS from an SMPP client, queued for the connection `sink`. */
export function smppItem(i: number): CommitItem {
  return {
    message: {
      id: newMessageId(),
      direction: 'MT',
      kind: 'sms',
      from: '+15550001111',
      to: '+15557770000',
      user: 'app',
      via: 'smpp-server',
      receivedAt: new Date(),
      parts: [{ contentType: 'text/plain; charset=utf-8', data: Buffer.from(`bench message #${i}`) }],
      meta: { encoding: 'gsm7', segments: 1 },
    },
    target: { kind: 'connection', id: 'sink' },
  };
}

export interface StoreBench {
  /** msg/s of `messages` committed in batches of `window`, one batch at a time. */
  batches(messages: number, window: number, item?: ItemOf): Promise<number>;
  /** msg/s of `messages` committed by `clients` committers, each with one message in flight. */
  clients(messages: number, clients: number, item: ItemOf): Promise<number>;
  close(): Promise<void>;
}

/** The SQLite store in `dir` (or the PostgreSQL store on the database at `postgresUrl`), opened in this process. */
export async function openStoreBench(dir: string, postgresUrl?: string): Promise<StoreBench> {
  mkdirSync(dir, { recursive: true });
  const store = postgresUrl ? await openPostgresStore({ url: postgresUrl, nodeId: 'store-alone' }) : await openSqliteStore(path.join(dir, 'nowsms.db'));
  const timed = async (messages: number, work: () => Promise<unknown>) => {
    const start = performance.now();
    await work();
    return (messages * 1000) / (performance.now() - start);
  };
  return {
    batches: (messages, window, item = smppItem) =>
      timed(messages, async () => {
        for (let done = 0; done < messages; done += window) {
          const n = Math.min(window, messages - done);
          await store.messages.commit(Array.from({ length: n }, (_, k) => item(done + k)));
        }
      }),
    clients: (messages, clients, item) =>
      timed(messages, async () => {
        let next = 0;
        const committer = async () => {
          for (let i = next++; i < messages; i = next++) await store.messages.commit([item(i)]);
        };
        await Promise.all(Array.from({ length: clients }, committer));
      }),
    close: () => store.close(),
  };
}

/** msg/s of `messages` committed in batches of `window`, after a warm-up of the same size. */
export async function storeCeiling(dir: string, messages: number, window: number): Promise<number> {
  const bench = await openStoreBench(dir);
  try {
    await bench.batches(messages, window);
    return await bench.batches(messages, window);
  } finally {
    await bench.close();
  }
}
