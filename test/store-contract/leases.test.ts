// Holder leases: a named lease (an SMSC bind, a modem) has one holder among the nodes on the database at a
// time; the holder renews it, another takes it only once it has run out, and a release hands it over at once.
import { describe, expect, it } from 'vitest';
import type { CommitItem } from '../../core/index.ts';
import { storeFactories } from './factories.ts';
import { storeHarness } from './factory.ts';
import { sms, soon } from './fixtures.ts';

const LONG = 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const factory of storeFactories) {
  describe(`${factory.name} store contract: holder leases`, () => {
    const h = storeHarness(factory);

    it('one holder at a time: the holder renews, another is refused while the lease runs', async () => {
      const { stores } = await h.open();
      expect(await stores.leases.take('connection:smsc1', 'node-a', LONG)).toBe(true);
      expect(await stores.leases.take('connection:smsc1', 'node-b', LONG)).toBe(false);
      expect(await stores.leases.take('connection:smsc1', 'node-a', LONG)).toBe(true);
      expect(await stores.leases.take('connection:modem1', 'node-b', LONG)).toBe(true);
      const held = await stores.leases.list();
      expect(held.map(({ name, holder }) => ({ name, holder }))).toEqual([
        { name: 'connection:modem1', holder: 'node-b' },
        { name: 'connection:smsc1', holder: 'node-a' },
      ]);
      for (const l of held) {
        expect(l.expiresAt.getTime()).toBeGreaterThan(Date.now() + LONG / 2);
        expect(l.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + LONG + 1000);
      }
    });

    it('a lease that ran out goes to the next node that asks, and is no longer listed', async () => {
      const { stores } = await h.open();
      expect(await stores.leases.take('connection:smsc1', 'node-a', 50)).toBe(true);
      await sleep(120);
      expect(await stores.leases.list()).toEqual([]);
      expect(await stores.leases.take('connection:smsc1', 'node-b', LONG)).toBe(true);
      expect(await stores.leases.take('connection:smsc1', 'node-a', LONG)).toBe(false);
      expect((await stores.leases.list()).map((l) => l.holder)).toEqual(['node-b']);
    });

    it('release hands the lease over at once, and only its holder can release it', async () => {
      const { stores } = await h.open();
      await stores.leases.take('connection:smsc1', 'node-a', LONG);
      await stores.leases.release('connection:smsc1', 'node-b');
      expect(await stores.leases.take('connection:smsc1', 'node-b', LONG)).toBe(false);
      await stores.leases.release('connection:smsc1', 'node-a');
      expect(await stores.leases.take('connection:smsc1', 'node-b', LONG)).toBe(true);
      await stores.leases.release('connection:never-taken', 'node-a');
    });

    it('two handles asking at once: exactly one gets it, and both see the same holder', async () => {
      const one = await h.open();
      const two = await h.peer(one);
      for (let i = 0; i < 5; i++) {
        const name = `connection:race${i}`;
        const got = await Promise.all([one.stores.leases.take(name, 'node-a', LONG), two.stores.leases.take(name, 'node-b', LONG)]);
        expect(got.filter(Boolean)).toHaveLength(1);
        const winner = got[0] ? 'node-a' : 'node-b';
        for (const s of [one, two]) expect((await s.stores.leases.list()).find((l) => l.name === name)?.holder).toBe(winner);
      }
    });

    it("releaseLeases(connection) hands back that connection's leased entries only, whoever leased them", async () => {
      const one = await h.open();
      const two = await h.peer(one);
      const items: CommitItem[] = [0, 1, 2].map(() => ({ message: sms(), target: { kind: 'connection', id: 'smsc1' } }));
      const other: CommitItem = { message: sms(), target: { kind: 'connection', id: 'smsc2' } };
      await one.stores.messages.commit([...items, other]);
      expect(await one.stores.queues.lease('smsc1', soon(), 10)).toHaveLength(3);
      expect(await one.stores.queues.lease('smsc2', soon(), 10)).toHaveLength(1);
      // The node taking smsc1 over releases what the dead holder had leased on it, and nothing of smsc2.
      await two.stores.queues.releaseLeases('smsc1');
      expect((await two.stores.queues.lease('smsc1', soon(), 10)).map((e) => e.messageId).sort()).toEqual(items.map((i) => i.message.id).sort());
      expect(await two.stores.queues.lease('smsc2', soon(), 10)).toEqual([]);
    });
  });
}
