// Mailboxes: what each user fetches over POP3, in arrival order, with a cached rendition per entry;
// removing entries marks their messages retrieved in the same write.
import { describe, expect, it } from 'vitest';
import { storeFactories } from './factories.ts';
import { storeHarness } from './factory.ts';
import { sms, soon, toMailbox } from './fixtures.ts';

for (const factory of storeFactories) {
  describe(`${factory.name} store contract: mailboxes`, () => {
    const h = storeHarness(factory);

    it('lists a user’s messages in arrival order, and only theirs', async () => {
      const { stores } = await h.open();
      const [first, second, bobs] = [toMailbox('alice'), toMailbox('alice'), toMailbox('bob')];
      await stores.messages.commit([first]);
      await stores.messages.commit([second, bobs]);
      const list = await stores.mailboxes.list('alice');
      expect(list.map((e) => e.uid)).toEqual([first.message.id, second.message.id]);
      expect(list[0]).toMatchObject({ uid: first.message.id, messageId: first.message.id });
      expect(list[0]!.addedAt).toBeInstanceOf(Date);
      expect(list[0]!.size).toBeUndefined();
      expect(await stores.mailboxes.list('nobody')).toEqual([]);
    });

    it('keeps the cached rendition: list gives its size, rendition its bytes, for that user only', async () => {
      const { stores } = await h.open();
      const m = toMailbox('alice');
      await stores.messages.commit([m]);
      expect(await stores.mailboxes.rendition('alice', m.message.id)).toBeUndefined();
      const eml = Buffer.from('From: +15550001111@sms.localhost\r\nSubject: ☕\r\n\r\nhello\r\n');
      await stores.mailboxes.saveRendition('alice', m.message.id, eml);
      expect((await stores.mailboxes.list('alice'))[0]!.size).toBe(eml.length);
      expect((await stores.mailboxes.rendition('alice', m.message.id))!.equals(eml)).toBe(true);
      expect(await stores.mailboxes.rendition('bob', m.message.id)).toBeUndefined();
      expect(await stores.mailboxes.rendition('alice', 'no-such-uid')).toBeUndefined();
    });

    it('saves many renditions at once, each to its own entry (the last save of one wins), and keeps them across a restart', async () => {
      const store = await h.open();
      const items = Array.from({ length: 250 }, () => toMailbox('alice'));
      await store.stores.messages.commit(items);
      const eml = (i: number) => Buffer.from(`Subject: ${i}\r\n\r\n${'x'.repeat(i)}\r\n`);
      await Promise.all([
        ...items.map((m, i) => store.stores.mailboxes.saveRendition('alice', m.message.id, eml(i))),
        store.stores.mailboxes.saveRendition('alice', items[7]!.message.id, eml(1000)),
        store.stores.mailboxes.saveRendition('alice', 'gone', eml(1)),
      ]);
      const again = await h.reopen(store);
      const list = await again.stores.mailboxes.list('alice');
      expect(list.map((e) => e.size)).toEqual(items.map((_, i) => (i === 7 ? eml(1000).length : eml(i).length)));
      const bodies = await Promise.all(items.map((m) => again.stores.mailboxes.rendition('alice', m.message.id)));
      expect(bodies.map((b) => b!.toString())).toEqual(items.map((_, i) => (i === 7 ? eml(1000) : eml(i)).toString()));
    });

    it('remove takes the entries out and marks them retrieved, and that survives a restart; the message stays', async () => {
      const store = await h.open();
      const [a, b, c] = [toMailbox('alice'), toMailbox('alice'), toMailbox('alice')];
      await store.stores.messages.commit([a, b, c]);
      await store.stores.mailboxes.saveRendition('alice', a.message.id, Buffer.from('x'));
      await store.stores.mailboxes.remove('alice', [a.message.id, c.message.id, 'not-there']);
      expect(await store.stores.mailboxes.rendition('alice', a.message.id)).toBeUndefined();

      const again = await h.reopen(store);
      expect((await again.stores.mailboxes.list('alice')).map((e) => e.uid)).toEqual([b.message.id]);
      const summary = await again.stores.messages.summary(a.message.id);
      expect(summary!.status).toBe('retrieved');
      expect(summary!.history.map((e) => e.status)).toEqual(['in-mailbox', 'retrieved']);
      expect((await again.stores.messages.summary(b.message.id))!.status).toBe('in-mailbox');
      expect(await again.stores.messages.get(a.message.id)).toEqual(a.message);
    });

    it("one user's remove leaves another user's mailbox alone", async () => {
      const { stores } = await h.open();
      const m = toMailbox('bob');
      await stores.messages.commit([m]);
      await stores.mailboxes.remove('alice', [m.message.id]);
      expect(await stores.mailboxes.list('bob')).toHaveLength(1);
      expect((await stores.messages.summary(m.message.id))!.status).toBe('in-mailbox');
    });

    it("an operator's delete takes a message out of the mailbox (and a queue)", async () => {
      const { stores } = await h.open();
      const queued = sms();
      const boxed = toMailbox('alice');
      await stores.messages.commit([{ message: queued, target: { kind: 'connection', id: 'smsc1' } }, boxed]);
      await stores.messages.setStatus(queued.id, 'deleted', 'by operator');
      await stores.messages.delete(boxed.message.id, 'by operator');
      expect(await stores.queues.lease('smsc1', soon(), 10)).toEqual([]);
      expect(await stores.mailboxes.list('alice')).toEqual([]);
      expect((await stores.messages.summary(queued.id))!.status).toBe('deleted');
      expect((await stores.messages.summary(boxed.message.id))!.history.at(-1)).toMatchObject({ status: 'deleted', detail: 'by operator' });
    });

    it('a rendition saved as its entry is removed does not bring the entry back', async () => {
      const { stores } = await h.open();
      const m = toMailbox('alice');
      await stores.messages.commit([m]);
      await Promise.all([stores.mailboxes.remove('alice', [m.message.id]), stores.mailboxes.saveRendition('alice', m.message.id, Buffer.from('x'))]);
      expect(await stores.mailboxes.list('alice')).toEqual([]);
      expect(await stores.mailboxes.rendition('alice', m.message.id)).toBeUndefined();
    });
  });
}
