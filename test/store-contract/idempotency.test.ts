// Idempotency keys: what a source hands over again after a crash (a modem's SMS read again) is one message.
import { describe, expect, it } from 'vitest';
import type { CommitItem, Segment } from '../../core/index.ts';
import { storeFactories } from './factories.ts';
import { storeHarness } from './factory.ts';
import { sms, user } from './fixtures.ts';

const mo = (key: string | undefined, text = 'hello'): CommitItem => ({
  message: sms({ direction: 'MO', parts: [{ contentType: 'text/plain; charset=utf-8', data: Buffer.from(text) }] }),
  target: { kind: 'mailbox', user: 'bob' },
  ...(key !== undefined ? { idempotencyKey: key } : {}),
});

/** Segment `seq` of a two-part message held under `key`. */
const seg = (key: string, seq: number, idempotencyKey?: string): Segment => ({
  key,
  seq,
  total: 2,
  receivedAt: new Date(),
  from: '+447700900123',
  to: '+15550001111',
  via: 'modem1',
  part: { contentType: 'text/plain; charset=utf-8', data: Buffer.from(`part ${seq}`) },
  meta: {},
  ...(idempotencyKey ? { idempotencyKey } : {}),
});

for (const factory of storeFactories) {
  describe(`${factory.name} store contract: idempotency keys`, () => {
    const h = storeHarness(factory);

    it('the same key twice is one message: the second commits nothing and answers duplicate with the first id, after a restart too', async () => {
      const store = await h.open();
      const first = mo('modem1:abc');
      expect(await store.stores.messages.commit([first])).toEqual([{ id: first.message.id, duplicate: false }]);
      const seq = await store.stores.events.newestSeq();

      const again = await h.reopen(store); // as after a crash: the key is on disk, not in memory
      const repeat = mo('modem1:abc', 'the same SMS, read again');
      expect(await again.stores.messages.commit([repeat])).toEqual([{ id: first.message.id, duplicate: true }]);
      expect(await again.stores.messages.get(repeat.message.id)).toBeUndefined();
      expect((await again.stores.messages.get(first.message.id))!.parts[0]!.data.toString()).toBe('hello');
      expect((await again.stores.mailboxes.list('bob')).map((e) => e.messageId)).toEqual([first.message.id]);
      expect(await again.stores.events.changesSince(seq, 10)).toEqual([]);
    });

    it('concurrent commits of one new key are one message; no key is never a duplicate', async () => {
      const { stores } = await h.open();
      const [a, b, c] = [mo('modem1:def'), mo('modem1:def'), mo(undefined)];
      const results = await Promise.all([stores.messages.commit([a]), stores.messages.commit([b]), stores.messages.commit([c])]);
      expect(results).toEqual([[{ id: a.message.id, duplicate: false }], [{ id: a.message.id, duplicate: true }], [{ id: c.message.id, duplicate: false }]]);
      expect((await stores.mailboxes.list('bob')).map((e) => e.messageId).sort()).toEqual([a.message.id, c.message.id].sort());
    });

    it('the same key twice within one commit call is one message', async () => {
      const { stores } = await h.open();
      const [d, e, f] = [mo('modem1:ghi'), mo('modem1:ghi'), mo('modem1:jkl')];
      expect(await stores.messages.commit([d, e, f])).toEqual([
        { id: d.message.id, duplicate: false },
        { id: d.message.id, duplicate: true },
        { id: f.message.id, duplicate: false },
      ]);
      expect(await stores.mailboxes.list('bob')).toHaveLength(2);
    });

    it('two handles committing one key at once store one message', async () => {
      const one = await h.open();
      const two = await h.peer(one);
      const [a, b] = [mo('modem1:race'), mo('modem1:race')];
      const results = await Promise.all([one.stores.messages.commit([a]), two.stores.messages.commit([b])]);
      const ids = results.map(([r]) => r!.id);
      expect(ids[0]).toBe(ids[1]);
      expect(results.map(([r]) => r!.duplicate).sort()).toEqual([false, true]);
      expect(await one.stores.mailboxes.list('bob')).toHaveLength(1);
    });

    it('a duplicate still drops the segments it was joined from', async () => {
      const { stores } = await h.open();
      const key = 'modem1|+447700900123|7|2';
      await stores.messages.commit([mo('modem1:long')]);
      await stores.segments.put(seg(key, 1));
      await stores.segments.put(seg(key, 2));
      const joined = { ...mo('modem1:long'), consumesSegments: key };
      expect(await stores.messages.commit([joined])).toEqual([{ id: expect.any(String), duplicate: true }]);
      expect(await stores.segments.get(key)).toEqual([]);
      expect(await stores.mailboxes.list('bob')).toHaveLength(1);
    });

    it('a segment handed over again after its message was committed is not kept again', async () => {
      const { stores } = await h.open();
      const key = 'modem1|+447700900123|9|2';
      await stores.segments.put(seg(key, 1, 'modem1:pdu:one'));
      expect((await stores.segments.put(seg(key, 2, 'modem1:pdu:two'))).map((s) => s.idempotencyKey)).toEqual(['modem1:pdu:one', 'modem1:pdu:two']);
      await stores.messages.commit([{ ...mo(undefined), consumesSegments: key }]);

      // Read again off the SIM after the crash: nothing is held for it, so no stray half message later.
      expect(await stores.segments.put(seg(key, 2, 'modem1:pdu:two'))).toEqual([]);
      expect(await stores.segments.stale(new Date(Date.now() + 60_000))).toEqual([]);
      // A new segment under the same reference (a later message) is kept as usual.
      expect((await stores.segments.put(seg(key, 1, 'modem1:pdu:three'))).map((s) => s.seq)).toEqual([1]);
    });

    it('a key whose first submission was refused or failed is not taken: the next one with it is stored', async () => {
      const { stores } = await h.open();
      await stores.users.put(user({ name: 'zed', credits: 0 }));
      const existing = sms();
      await stores.messages.commit([{ message: existing, target: undefined }]);
      const refused = mo('modem1:k1');
      const failed = mo('modem1:k2');
      const [b1, b2] = [mo('modem1:k1'), mo('modem1:k2')];
      const results = await Promise.allSettled([
        stores.messages.commit([refused], { user: 'zed', messages: 1 }),
        stores.messages.commit([failed, { message: existing, target: undefined }]),
        stores.messages.commit([b1]),
        stores.messages.commit([b2]),
      ]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled', 'fulfilled']);
      expect(results.slice(2)).toEqual([
        { status: 'fulfilled', value: [{ id: b1.message.id, duplicate: false }] },
        { status: 'fulfilled', value: [{ id: b2.message.id, duplicate: false }] },
      ]);
      expect(await stores.messages.commit([mo('modem1:k2')])).toEqual([{ id: b2.message.id, duplicate: true }]);
      expect((await stores.mailboxes.list('bob')).map((e) => e.messageId).sort()).toEqual([b1.message.id, b2.message.id].sort());
    });
  });
}
