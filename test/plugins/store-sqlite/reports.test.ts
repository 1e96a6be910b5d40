import { describe, expect, it } from 'vitest';
import type { SqliteStore } from '../../../plugins/store-sqlite/index.ts';
import { open, sms, tempFile } from './helpers.ts';

/** An MT message sent on `conn` under these remote ids (one per segment). */
async function sent(store: SqliteStore, conn: string, remoteIds: string[]): Promise<string> {
  const m = sms();
  await store.messages.commit([{ message: m, target: { kind: 'connection', id: conn } }]);
  const [entry] = await store.queues.lease(conn, new Date(), 1);
  await store.queues.complete(entry!.messageId, 'sent', remoteIds);
  return m.id;
}

describe('store-sqlite delivery reports', () => {
  it('reports that share one commit are applied in order, as one after another would be', async () => {
    const store = await open(await tempFile());
    const long = await sent(store, 'smsc', ['s1', 's2', 's3']);
    const older = await sent(store, 'smsc', ['dup']);
    const newer = await sent(store, 'smsc', ['dup']);
    const failing = await sent(store, 'smsc', ['f1', 'f2']);

    // Issued in one turn: the write queue runs them as one group.
    const results = await Promise.all([
      store.messages.recordReport({ connectionId: 'smsc', remoteId: 's1', outcome: 'delivered' }),
      store.messages.recordReport({ connectionId: 'smsc', remoteId: 's2', outcome: 'pending', detail: 'ENROUTE' }),
      store.messages.recordReport({ connectionId: 'smsc', remoteId: 'nobody', outcome: 'delivered' }),
      store.messages.recordReport({ connectionId: 'smsc', remoteId: 's2', outcome: 'delivered' }),
      store.messages.recordReport({ connectionId: 'smsc', remoteId: 'dup', outcome: 'delivered' }),
      store.messages.recordReport({ connectionId: 'other', remoteId: 's3', outcome: 'delivered' }),
      store.messages.recordReport({ connectionId: 'smsc', remoteId: 'f2', outcome: 'undeliverable', detail: 'absent' }),
      store.messages.recordReport({ connectionId: 'smsc', remoteId: 's3', outcome: 'delivered' }),
      store.messages.recordReport({ connectionId: 'smsc', remoteId: 'f1', outcome: 'delivered' }),
    ]);
    expect(results).toEqual([
      { messageId: long, status: 'sent' },
      { messageId: long, status: 'sent' },
      undefined,
      { messageId: long, status: 'sent' },
      // The newest message sent under a reused id is the one reported on.
      { messageId: newer, status: 'delivered' },
      undefined,
      { messageId: failing, status: 'undeliverable' },
      { messageId: long, status: 'delivered' },
      // One failed segment fails the message, whatever the others do.
      { messageId: failing, status: 'undeliverable' },
    ]);
    const history = async (id: string) => (await store.messages.summary(id))!.history.map((h) => [h.status, h.detail ?? null]);
    expect(await history(long)).toEqual([
      ['queued', 'smsc'],
      ['sent', 'sent'],
      ['sent', 'segment 1 of 3: delivered'],
      ['sent', 'segment 2 of 3: pending (ENROUTE)'],
      ['sent', 'segment 2 of 3: delivered'],
      ['delivered', 'segment 3 of 3: delivered'],
    ]);
    expect((await store.messages.summary(older))!.status).toBe('sent');
    expect((await store.messages.summary(failing))!.history.slice(2).map((h) => [h.status, h.detail])).toEqual([
      ['undeliverable', 'segment 2 of 2: undeliverable (absent)'],
      ['undeliverable', 'segment 1 of 2: delivered'],
    ]);
  });
});
