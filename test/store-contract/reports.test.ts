// Delivery reports: matched to the newest message sent on that connection under that remote id, segment by
// segment; one failed segment fails the message, all delivered deliver it; an unmatched report is kept.
import { describe, expect, it } from 'vitest';
import type { Stores } from '../../core/index.ts';
import { storeFactories } from './factories.ts';
import { storeHarness } from './factory.ts';
import { sms } from './fixtures.ts';

/** An MT message sent on `conn` under these remote ids (one per segment). */
async function sent(stores: Stores, conn: string, remoteIds: string[]): Promise<string> {
  const m = sms();
  await stores.messages.commit([{ message: m, target: { kind: 'connection', id: conn } }]);
  const [entry] = await stores.queues.lease(conn, new Date(), 1);
  await stores.queues.complete(entry!.messageId, 'sent', remoteIds);
  return m.id;
}

for (const factory of storeFactories) {
  describe(`${factory.name} store contract: delivery reports`, () => {
    const h = storeHarness(factory);

    it('reports one after another: segments, the newest of a reused id, the wrong connection, no match', async () => {
      const { stores } = await h.open();
      const long = await sent(stores, 'smsc', ['s1', 's2']);
      const older = await sent(stores, 'smsc', ['dup']);
      const newer = await sent(stores, 'smsc', ['dup']);
      const report = (connectionId: string, remoteId: string, outcome: 'delivered' | 'undeliverable' | 'pending', detail?: string) =>
        stores.messages.recordReport({ connectionId, remoteId, outcome, ...(detail ? { detail } : {}) });
      expect(await report('smsc', 's1', 'delivered')).toEqual({ messageId: long, status: 'sent' });
      expect(await report('other', 's2', 'delivered')).toBeUndefined();
      expect(await report('smsc', 'nobody', 'delivered')).toBeUndefined();
      expect(await report('smsc', 's2', 'delivered')).toEqual({ messageId: long, status: 'delivered' });
      expect(await report('smsc', 'dup', 'undeliverable', 'absent')).toEqual({ messageId: newer, status: 'undeliverable' });
      expect((await stores.messages.summary(older))!.status).toBe('sent');
      expect((await stores.messages.summary(newer))!.history.at(-1)).toMatchObject({ status: 'undeliverable', detail: 'undeliverable (absent)' });
    });

    it('reports made at the same time are applied in order, as one after another would be', async () => {
      const { stores } = await h.open();
      const long = await sent(stores, 'smsc', ['s1', 's2', 's3']);
      const older = await sent(stores, 'smsc', ['dup']);
      const newer = await sent(stores, 'smsc', ['dup']);
      const failing = await sent(stores, 'smsc', ['f1', 'f2']);

      const results = await Promise.all([
        stores.messages.recordReport({ connectionId: 'smsc', remoteId: 's1', outcome: 'delivered' }),
        stores.messages.recordReport({ connectionId: 'smsc', remoteId: 's2', outcome: 'pending', detail: 'ENROUTE' }),
        stores.messages.recordReport({ connectionId: 'smsc', remoteId: 'nobody', outcome: 'delivered' }),
        stores.messages.recordReport({ connectionId: 'smsc', remoteId: 's2', outcome: 'delivered' }),
        stores.messages.recordReport({ connectionId: 'smsc', remoteId: 'dup', outcome: 'delivered' }),
        stores.messages.recordReport({ connectionId: 'other', remoteId: 's3', outcome: 'delivered' }),
        stores.messages.recordReport({ connectionId: 'smsc', remoteId: 'f2', outcome: 'undeliverable', detail: 'absent' }),
        stores.messages.recordReport({ connectionId: 'smsc', remoteId: 's3', outcome: 'delivered' }),
        stores.messages.recordReport({ connectionId: 'smsc', remoteId: 'f1', outcome: 'delivered' }),
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
      const history = async (id: string) => (await stores.messages.summary(id))!.history.map((e) => [e.status, e.detail ?? null]);
      expect(await history(long)).toEqual([
        ['queued', 'smsc'],
        ['sent', 'sent'],
        ['sent', 'segment 1 of 3: delivered'],
        ['sent', 'segment 2 of 3: pending (ENROUTE)'],
        ['sent', 'segment 2 of 3: delivered'],
        ['delivered', 'segment 3 of 3: delivered'],
      ]);
      expect((await stores.messages.summary(older))!.status).toBe('sent');
      expect((await stores.messages.summary(failing))!.history.slice(2).map((e) => [e.status, e.detail])).toEqual([
        ['undeliverable', 'segment 2 of 2: undeliverable (absent)'],
        ['undeliverable', 'segment 1 of 2: delivered'],
      ]);
    });

    it('a report reaching another handle (another node took the receipt) matches what this one sent, after a restart', async () => {
      const one = await h.open();
      const id = await sent(one.stores, 'smsc', ['r9']);
      const again = await h.reopen(one);
      const other = await h.peer(again);
      expect(await other.stores.messages.recordReport({ connectionId: 'smsc', remoteId: 'r9', outcome: 'delivered' })).toEqual({
        messageId: id,
        status: 'delivered',
      });
      expect((await again.stores.messages.summary(id))!.status).toBe('delivered');
    });

    it('a report made right after its completion, before that has resolved, matches it', async () => {
      const { stores } = await h.open();
      const m = sms();
      await stores.messages.commit([{ message: m, target: { kind: 'connection', id: 'smsc' } }]);
      await stores.queues.lease('smsc', new Date(), 1);
      const [, report] = await Promise.all([
        stores.queues.complete(m.id, 'sent', ['x1']),
        stores.messages.recordReport({ connectionId: 'smsc', remoteId: 'x1', outcome: 'delivered' }),
      ]);
      expect(report).toEqual({ messageId: m.id, status: 'delivered' });
    });
  });
}
