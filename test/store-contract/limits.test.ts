// Usage limits and credits, charged inside the commit: a burst cannot slip past a limit, and a refused
// submission is charged nothing and stores nothing.
import { describe, expect, it } from 'vitest';
import { isNowsmsError } from '../../core/index.ts';
import { storeFactories } from './factories.ts';
import { storeHarness } from './factory.ts';
import { toConnection, user } from './fixtures.ts';

for (const factory of storeFactories) {
  describe(`${factory.name} store contract: limits and credits`, () => {
    const h = storeHarness(factory);

    it('concurrent commits: one over its daily limit fails alone, temporarily, and the others commit', async () => {
      const { stores } = await h.open();
      await stores.messages.commit([toConnection('alice')], { user: 'alice', messages: 1, dailyLimit: 1 });
      const items = Array.from({ length: 200 }, (_, i) => toConnection(i === 100 ? 'alice' : 'bob'));
      const results = await Promise.allSettled(
        items.map((item, i) => stores.messages.commit([item], i === 100 ? { user: 'alice', messages: 1, dailyLimit: 1 } : { user: 'bob', messages: 1 })),
      );
      const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [[i, r.reason] as const] : []));
      expect(failed.map(([i]) => i)).toEqual([100]);
      const reason = failed[0]![1];
      expect(isNowsmsError(reason, 'NOWSMS_ERR_LIMIT')).toBe(true);
      expect(reason.temporary).toBe(true);
      expect(reason.message).toBe('alice has reached the daily limit of 1 message: try again tomorrow (UTC) or raise dailyLimit');
      for (const [i, item] of items.entries()) {
        expect(await stores.messages.get(item.message.id), `message ${i}`).toEqual(i === 100 ? undefined : item.message);
      }
      expect((await stores.queues.counts()).smsc1).toEqual({ queued: 200, retrying: 0 });
    });

    it('a burst counts against the limit message by message', async () => {
      const { stores } = await h.open();
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () => stores.messages.commit([toConnection('carol')], { user: 'carol', messages: 1, dailyLimit: 15, monthlyLimit: 100 })),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(15);
      expect(await stores.messages.list({ user: 'carol' })).toHaveLength(15);
    });

    it('refuses past the monthly limit, temporarily', async () => {
      const { stores } = await h.open();
      await stores.messages.commit([toConnection('dan'), toConnection('dan')], { user: 'dan', messages: 2, monthlyLimit: 3 });
      await expect(stores.messages.commit([toConnection('dan'), toConnection('dan')], { user: 'dan', messages: 2, monthlyLimit: 3 })).rejects.toMatchObject({
        code: 'NOWSMS_ERR_LIMIT',
        temporary: true,
        message: 'dan has reached the monthly limit of 3 messages: try again next month (UTC) or raise monthlyLimit',
      });
    });

    it('spends credits, and refuses permanently when they run out, charging and storing nothing', async () => {
      const { stores } = await h.open();
      await stores.users.put(user({ name: 'erin', credits: 3 }));
      await stores.messages.commit([toConnection('erin'), toConnection('erin')], { user: 'erin', messages: 2 });
      expect((await stores.users.get('erin'))!.credits).toBe(1);

      const tooMany = [toConnection('erin'), toConnection('erin')];
      const seq = await stores.events.newestSeq();
      const err = await stores.messages.commit(tooMany, { user: 'erin', messages: 2 }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'NOWSMS_ERR_LIMIT', temporary: false });
      expect((err as Error).message).toContain('erin has no credits left');
      expect(await stores.messages.get(tooMany[0]!.message.id)).toBeUndefined();
      expect(await stores.events.changesSince(seq, 10)).toEqual([]);
      expect((await stores.users.get('erin'))!.credits).toBe(1);

      await stores.messages.commit([toConnection('erin')], { user: 'erin', messages: 1 });
      expect((await stores.users.get('erin'))!.credits).toBe(0);
      await expect(stores.messages.commit([toConnection('erin')], { user: 'erin', messages: 1 })).rejects.toMatchObject({ code: 'NOWSMS_ERR_LIMIT' });
    });

    it('a user without a credit balance is not limited by credits', async () => {
      const { stores } = await h.open();
      await stores.users.put(user({ name: 'frank' }));
      await stores.messages.commit([toConnection('frank')], { user: 'frank', messages: 1 });
      expect((await stores.users.get('frank'))!.credits).toBeUndefined();
    });

    it('a burst spends exactly the credits there are', async () => {
      const { stores } = await h.open();
      await stores.users.put(user({ name: 'kim', credits: 5 }));
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => stores.messages.commit([toConnection('kim')], { user: 'kim', messages: 1 })));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'NOWSMS_ERR_LIMIT', temporary: false });
      expect((await stores.users.get('kim'))!.credits).toBe(0);
      expect(await stores.messages.list({ user: 'kim' })).toHaveLength(5);
    });

    it('two handles spending one balance at once spend exactly the credits there are', async () => {
      const one = await h.open();
      const two = await h.peer(one);
      await one.stores.users.put(user({ name: 'liv', credits: 6 }));
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? one : two).stores.messages.commit([toConnection('liv')], { user: 'liv', messages: 1 })),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(6);
      expect(await one.stores.messages.list({ user: 'liv' })).toHaveLength(6);
    });

    it('counts each user against their own limits, uncharged messages of theirs included', async () => {
      const { stores } = await h.open();
      const results = await Promise.allSettled([
        // An uncharged MT message of ann's (from another connection, say) counts against her later ones.
        stores.messages.commit([toConnection('ann')]),
        ...Array.from({ length: 12 }, (_, i) =>
          i % 2
            ? stores.messages.commit([toConnection('ann')], { user: 'ann', messages: 1, dailyLimit: 3 })
            : stores.messages.commit([toConnection('ben')], { user: 'ben', messages: 1, monthlyLimit: 4 }),
        ),
      ]);
      const ok = (from: number, step: number) => results.filter((r, i) => i >= from && (i - from) % step === 0 && r.status === 'fulfilled').length;
      expect(ok(1, 2)).toBe(4); // ben: 4 of 6
      expect(ok(2, 2)).toBe(2); // ann: 2 of 6, after her uncharged one
      expect(await stores.messages.list({ user: 'ann' })).toHaveLength(3);
    });

    it('a submission that fails for another reason in the same burst is charged nothing', async () => {
      const { stores } = await h.open();
      await stores.users.put(user({ name: 'cy', credits: 5 }));
      const existing = toConnection();
      await stores.messages.commit([existing]);
      const daily = { user: 'dy', messages: 1, dailyLimit: 2 };
      const results = await Promise.allSettled([
        stores.messages.commit([toConnection('cy')], { user: 'cy', messages: 1 }),
        stores.messages.commit([toConnection('cy'), existing], { user: 'cy', messages: 2 }),
        stores.messages.commit([toConnection('cy')], { user: 'cy', messages: 1 }),
        stores.messages.commit([toConnection('dy')], daily),
        stores.messages.commit([toConnection('dy'), existing], { ...daily, messages: 2 }),
        stores.messages.commit([toConnection('dy')], daily),
        stores.messages.commit([toConnection('dy')], daily),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'rejected']);
      expect((results[6] as PromiseRejectedResult).reason).toMatchObject({ code: 'NOWSMS_ERR_LIMIT' });
      expect((await stores.users.get('cy'))!.credits).toBe(3);
      expect(await stores.messages.list({ user: 'cy' })).toHaveLength(2);
    });
  });
}
