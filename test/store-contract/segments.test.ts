// Reassembly: each received segment of a long SMS is kept before it is acknowledged, until its message is
// committed (which drops them, see commit.test.ts) or times out.
import { describe, expect, it } from 'vitest';
import type { Segment } from '../../core/index.ts';
import { storeFactories } from './factories.ts';
import { storeHarness } from './factory.ts';

const seg = (key: string, seq: number, text: string, receivedAt = new Date()): Segment => ({
  key,
  seq,
  total: 3,
  receivedAt,
  from: '+447700900123',
  to: '+15550001111',
  via: 'modem1',
  part: { contentType: 'text/plain; charset=utf-8', data: Buffer.from(text) },
  meta: { sms: { dcs: 0, seq } },
});

for (const factory of storeFactories) {
  describe(`${factory.name} store contract: segments`, () => {
    const h = storeHarness(factory);

    it('keeps segments per key, by seq, a repeated seq replacing the earlier one, across a restart', async () => {
      const store = await h.open();
      const old = new Date(Date.now() - 3_600_000);
      expect((await store.stores.segments.put(seg('k', 2, 'b', old))).map((s) => s.seq)).toEqual([2]);
      expect((await store.stores.segments.put(seg('k', 1, 'a'))).map((s) => s.seq)).toEqual([1, 2]);
      const held = await store.stores.segments.put(seg('k', 1, 'A'));
      expect(held.map((s) => [s.seq, s.part.data.toString()])).toEqual([
        [1, 'A'],
        [2, 'b'],
      ]);
      expect((await store.stores.segments.put(seg('j', 1, 'z'))).map((s) => s.part.data.toString())).toEqual(['z']);
      const again = await h.reopen(store);
      const got = await again.stores.segments.get('k');
      expect(got.map((s) => s.part.data.toString())).toEqual(['A', 'b']);
      expect(got[1]).toEqual(seg('k', 2, 'b', old));
      expect(await again.stores.segments.get('nothing')).toEqual([]);
    });

    it('stale lists the keys whose first segment arrived before the time given', async () => {
      const { stores } = await h.open();
      const now = Date.now();
      await stores.segments.put(seg('old', 1, 'a', new Date(now - 3_600_000)));
      await stores.segments.put(seg('old', 2, 'b', new Date(now)));
      await stores.segments.put(seg('new', 1, 'c', new Date(now)));
      expect(await stores.segments.stale(new Date(now - 60_000))).toEqual(['old']);
      expect((await stores.segments.stale(new Date(now + 60_000))).sort()).toEqual(['new', 'old']);
    });
  });
}
