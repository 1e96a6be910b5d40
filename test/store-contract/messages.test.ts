// What operators read back: a message's history, the newest-first listing with filters and paging, traffic.
import { describe, expect, it } from 'vitest';
import type { CommitItem } from '../../core/index.ts';
import { storeFactories } from './factories.ts';
import { storeHarness } from './factory.ts';
import { sms, soon } from './fixtures.ts';

for (const factory of storeFactories) {
  describe(`${factory.name} store contract: message history and listing`, () => {
    const h = storeHarness(factory);

    it('appends every status change to the history, oldest first', async () => {
      const { stores } = await h.open();
      const m = sms();
      await stores.messages.commit([{ message: m, target: { kind: 'connection', id: 'smsc1' } }]);
      await stores.messages.setStatus(m.id, 'sent', 'remote id 42');
      await stores.messages.setStatus(m.id, 'delivered');
      const s = await stores.messages.summary(m.id);
      expect(s!.status).toBe('delivered');
      expect(s!.history.map((e) => [e.status, e.detail])).toEqual([
        ['queued', 'smsc1'],
        ['sent', 'remote id 42'],
        ['delivered', undefined],
      ]);
      expect(s!.history[0]!.at).toBeInstanceOf(Date);
      expect(s!.parts).toEqual([{ contentType: 'text/plain; charset=utf-8', size: 5 }]);
    });

    it("records a peer's error text or a program's output that holds a NUL, with the rest of it intact", async () => {
      const { stores } = await h.open();
      const [failed, retried, noted] = [sms(), sms(), sms()];
      await stores.messages.commit([failed, retried, noted].map((message) => ({ message, target: { kind: 'connection', id: 'smsc1' } as const })));
      await stores.queues.lease('smsc1', soon(), 10);
      await stores.queues.fail(failed.id, 'refused: \0bad\0 number');
      await stores.queues.retry(retried.id, new Date(), 'busy\0', true);
      await stores.messages.setStatus(noted.id, 'sent', 'answer: ok\0');
      // A store that cannot keep NUL (PostgreSQL) keeps U+FFFD in its place.
      const details = async (id: string) => (await stores.messages.summary(id))!.history.map((e) => e.detail?.replaceAll('\uFFFD', '\0'));
      expect(await details(failed.id)).toEqual(['smsc1', 'refused: \0bad\0 number']);
      expect(await details(retried.id)).toEqual(['smsc1', 'busy\0']);
      expect(await details(noted.id)).toEqual(['smsc1', 'answer: ok\0']);
      expect((await stores.queues.item(retried.id))!.lastError?.replaceAll('\uFFFD', '\0')).toBe('busy\0');
    });
    it('lists newest first, filtered, 100 at most by default, and pages with before', async () => {
      const { stores } = await h.open();
      const base = Date.UTC(2025, 0, 1);
      const items: CommitItem[] = Array.from({ length: 120 }, (_, i) => ({
        message: sms({ user: i % 2 ? 'bob' : 'alice', direction: i % 3 ? 'MT' : 'MO', receivedAt: new Date(base + i * 1000) }),
        target: { kind: 'connection', id: 'smsc1' },
      }));
      await stores.messages.commit(items);
      const all = await stores.messages.list();
      expect(all.map((s) => s.id)).toEqual(
        items
          .slice(20)
          .reverse()
          .map((i) => i.message.id),
      );

      const bobMo = await stores.messages.list({ user: 'bob', direction: 'MO', limit: 1000 });
      expect(bobMo).toHaveLength(items.filter((_, i) => i % 2 === 1 && i % 3 === 0).length);
      expect(bobMo.every((s) => s.user === 'bob' && s.direction === 'MO')).toBe(true);
      expect(bobMo[0]!.history).toHaveLength(1);

      await stores.messages.setStatus(items[5]!.message.id, 'failed', 'no such number');
      expect((await stores.messages.list({ status: 'failed' })).map((s) => s.id)).toEqual([items[5]!.message.id]);
      expect(await stores.messages.list({ limit: 3 })).toHaveLength(3);
      const next = await stores.messages.list({ limit: 3, before: all[2]!.id });
      expect(next.map((s) => s.id)).toEqual(all.slice(3, 6).map((s) => s.id));
    });

    it('pages messages received in the same millisecond without losing or repeating one', async () => {
      const { stores } = await h.open();
      const at = new Date('2025-06-01T00:00:00Z');
      const items: CommitItem[] = Array.from({ length: 10 }, () => ({ message: sms({ receivedAt: at }), target: undefined }));
      await stores.messages.commit(items);
      const seen: string[] = [];
      for (let before: string | undefined; ;) {
        const page = await stores.messages.list({ limit: 3, ...(before ? { before } : {}) });
        if (page.length === 0) break;
        seen.push(...page.map((s) => s.id));
        before = page.at(-1)!.id;
      }
      expect(seen.sort()).toEqual(items.map((i) => i.message.id).sort());
    });

    it('counts messages sent per connection and received per via since a time, when the store offers traffic', async () => {
      const { stores } = await h.open();
      if (!stores.messages.traffic) return; // optional: a store without it shows no counters
      const since = new Date(Date.now() - 1000);
      await stores.messages.commit([
        { message: sms({ direction: 'MO', via: 'modem1' }), target: undefined },
        { message: sms({ direction: 'MO', via: 'modem1' }), target: undefined },
        { message: sms(), target: { kind: 'connection', id: 'smsc1' } },
        { message: sms(), target: { kind: 'connection', id: 'smsc1' } },
      ]);
      const [entry] = await stores.queues.lease('smsc1', soon(), 1);
      await stores.queues.complete(entry!.messageId);
      expect(await stores.messages.traffic(since)).toEqual({ sent: { smsc1: 1 }, received: { modem1: 2 } });
      expect(await stores.messages.traffic(new Date(Date.now() + 60_000))).toEqual({ sent: {}, received: {} });
    });
  });
}
