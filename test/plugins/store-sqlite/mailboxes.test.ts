import { describe, expect, it } from 'vitest';
import { close, open, sms, tempFile } from './helpers.ts';

describe('store-sqlite mailboxes', () => {
  it('lists a user’s messages in arrival order, and only theirs', async () => {
    const store = await open(await tempFile());
    const first = sms({ direction: 'MO' });
    const second = sms({ direction: 'MO' });
    const bobs = sms({ direction: 'MO' });
    await store.messages.commit([{ message: first, target: { kind: 'mailbox', user: 'alice' } }]);
    await store.messages.commit([
      { message: second, target: { kind: 'mailbox', user: 'alice' } },
      { message: bobs, target: { kind: 'mailbox', user: 'bob' } },
    ]);
    const list = await store.mailboxes.list('alice');
    expect(list.map((e) => e.uid)).toEqual([first.id, second.id]);
    expect(list[0]).toMatchObject({ uid: first.id, messageId: first.id });
    expect(list[0]!.addedAt).toBeInstanceOf(Date);
    expect(list[0]!.size).toBeUndefined();
    expect(await store.mailboxes.list('nobody')).toEqual([]);
  });

  it('keeps the cached rendition: list gives its size, rendition its bytes', async () => {
    const store = await open(await tempFile());
    const m = sms({ direction: 'MO' });
    await store.messages.commit([{ message: m, target: { kind: 'mailbox', user: 'alice' } }]);
    expect(await store.mailboxes.rendition('alice', m.id)).toBeUndefined();
    const eml = Buffer.from('From: +15550001111@sms.localhost\r\nSubject: ☕\r\n\r\nhello\r\n');
    await store.mailboxes.saveRendition('alice', m.id, eml);
    expect((await store.mailboxes.list('alice'))[0]!.size).toBe(eml.length);
    expect((await store.mailboxes.rendition('alice', m.id))!.equals(eml)).toBe(true);
    expect(await store.mailboxes.rendition('bob', m.id)).toBeUndefined();
    expect(await store.mailboxes.rendition('alice', 'no-such-uid')).toBeUndefined();
  });

  it('saves and reads many renditions at once, each to its own entry', async () => {
    const file = await tempFile();
    const store = await open(file);
    const messages = Array.from({ length: 250 }, () => sms({ direction: 'MO' }));
    await store.messages.commit(messages.map((message) => ({ message, target: { kind: 'mailbox' as const, user: 'alice' } })));
    const eml = (i: number) => Buffer.from(`Subject: ${i}\r\n\r\n${'x'.repeat(i)}\r\n`);
    // Issued together: one group commit, a few multi-row UPDATEs. The second save of an entry wins.
    await Promise.all([
      ...messages.map((m, i) => store.mailboxes.saveRendition('alice', m.id, eml(i))),
      store.mailboxes.saveRendition('alice', messages[7]!.id, eml(1000)),
      store.mailboxes.saveRendition('alice', 'gone', eml(1)),
    ]);
    await close(store);
    const again = await open(file);
    const list = await again.mailboxes.list('alice');
    expect(list.map((e) => e.size)).toEqual(messages.map((_, i) => (i === 7 ? eml(1000).length : eml(i).length)));
    const bodies = await Promise.all(messages.map((m) => again.mailboxes.rendition('alice', m.id)));
    expect(bodies.map((b) => b!.toString())).toEqual(messages.map((_, i) => (i === 7 ? eml(1000) : eml(i)).toString()));
  });

  it('remove takes the entries out, marks them retrieved, and that survives a restart', async () => {
    const file = await tempFile();
    const store = await open(file);
    const [a, b, c] = [sms({ direction: 'MO' }), sms({ direction: 'MO' }), sms({ direction: 'MO' })];
    await store.messages.commit([a, b, c].map((message) => ({ message, target: { kind: 'mailbox' as const, user: 'alice' } })));
    await store.mailboxes.remove('alice', [a!.id, c!.id, 'not-there']);

    await close(store);
    const again = await open(file);
    expect((await again.mailboxes.list('alice')).map((e) => e.uid)).toEqual([b!.id]);
    const summary = await again.messages.summary(a!.id);
    expect(summary!.status).toBe('retrieved');
    expect(summary!.history.map((h) => h.status)).toEqual(['in-mailbox', 'retrieved']);
    expect((await again.messages.summary(b!.id))!.status).toBe('in-mailbox');
    // The message itself stays: the history shows what happened to it.
    expect(await again.messages.get(a!.id)).toBeDefined();
  });

  it("one user's remove leaves another user's mailbox alone", async () => {
    const store = await open(await tempFile());
    const m = sms({ direction: 'MO' });
    await store.messages.commit([{ message: m, target: { kind: 'mailbox', user: 'bob' } }]);
    await store.mailboxes.remove('alice', [m.id]);
    expect(await store.mailboxes.list('bob')).toHaveLength(1);
    expect((await store.messages.summary(m.id))!.status).toBe('in-mailbox');
  });
});
