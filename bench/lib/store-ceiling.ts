// The store alone, as the SMPP intake uses it: batches of `window` messages committed one after another,
// each awaited before the next, as a windowed client's submits are when every answer waits for its commit.
// No SMPP, no pipeline: the most any server could answer at that window with the same durable store.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { newMessageId, type CommitItem } from '../../core/index.ts';
import { openSqliteStore } from '../../plugins/store-sqlite/index.ts';

function item(i: number): CommitItem {
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

/** msg/s of `messages` committed in batches of `window`, after a warm-up of the same size. */
export async function storeCeiling(dir: string, messages: number, window: number): Promise<number> {
  mkdirSync(dir, { recursive: true });
  const store = await openSqliteStore(path.join(dir, 'nowsms.db'));
  try {
    const run = async () => {
      const start = performance.now();
      for (let done = 0; done < messages; done += window) {
        const n = Math.min(window, messages - done);
        await store.messages.commit(Array.from({ length: n }, (_, k) => item(done + k)));
      }
      return (messages * 1000) / (performance.now() - start);
    };
    await run();
    return await run();
  } finally {
    await store.close();
  }
}
