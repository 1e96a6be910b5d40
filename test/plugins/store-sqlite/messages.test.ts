import { describe, expect, it } from 'vitest';
import { close, open, sms, tempFile } from './helpers.ts';

describe('store-sqlite messages', () => {
  it('gives back a message exactly as committed: binary part intact, emoji intact, dates and meta restored', async () => {
    const file = await tempFile();
    const store = await open(file);
    const image = Buffer.from(Array.from({ length: 256 }, (_, i) => i)); // every byte value, NULs included
    const message = sms({
      kind: 'mms',
      subject: 'Party 🎉 tonight',
      user: 'alice',
      via: 'smtp',
      receivedAt: new Date('2025-03-04T05:06:07.089Z'),
      meta: { encoding: 'ucs2', segments: 2, envelope: { from: 'a@example.com' } },
      parts: [
        { contentType: 'text/plain; charset=utf-8', data: Buffer.from('See you there 😀👍🏽 ünïcödé') },
        { contentType: 'image/png', name: 'pic.png', contentId: '<pic1>', data: image },
        { contentType: 'application/octet-stream', data: Buffer.alloc(0) },
      ],
    });
    await store.messages.commit([{ message, target: { kind: 'connection', id: 'mmsc' } }]);

    await close(store);
    const again = await open(file);
    const got = await again.messages.get(message.id);
    expect(got).toEqual(message);
    expect(got!.parts[0]!.data.toString('utf8')).toBe('See you there 😀👍🏽 ünïcödé');
    expect(Buffer.isBuffer(got!.parts[1]!.data) && got!.parts[1]!.data.equals(image)).toBe(true);
    expect(got!.receivedAt).toBeInstanceOf(Date);
  });

  it('answers undefined for a message it does not have', async () => {
    const store = await open(await tempFile());
    expect(await store.messages.get('nope')).toBeUndefined();
    expect(await store.messages.summary('nope')).toBeUndefined();
  });

  it('records where each message went as its first status', async () => {
    const store = await open(await tempFile());
    const toMailbox = sms({ direction: 'MO' });
    const toConnection = sms();
    const unrouted = sms();
    const toCommand = sms({ direction: 'MO' });
    await store.messages.commit([
      { message: toMailbox, target: { kind: 'mailbox', user: 'alice' } },
      { message: toConnection, target: { kind: 'connection', id: 'smsc1' } },
      { message: unrouted, target: undefined },
      { message: toCommand, target: { kind: 'command', id: 'weather' } },
    ]);
    const status = async (id: string) => (await store.messages.summary(id))!;
    expect(await status(toMailbox.id)).toMatchObject({ status: 'in-mailbox', target: { kind: 'mailbox', user: 'alice' } });
    expect(await status(toConnection.id)).toMatchObject({ status: 'queued', target: { kind: 'connection', id: 'smsc1' } });
    expect(await status(unrouted.id)).toMatchObject({ status: 'no-route' });
    expect((await status(unrouted.id)).target).toBeUndefined();
    expect(await status(toCommand.id)).toMatchObject({ status: 'received', target: { kind: 'command', id: 'weather' } });
    expect((await store.queues.unrouted(10)).map((m) => m.id)).toEqual([unrouted.id]);
  });

  it('appends every status change to the history, oldest first', async () => {
    const store = await open(await tempFile());
    const m = sms();
    await store.messages.commit([{ message: m, target: { kind: 'connection', id: 'smsc1' } }]);
    await store.messages.setStatus(m.id, 'sent', 'remote id 42');
    await store.messages.setStatus(m.id, 'delivered');
    const s = await store.messages.summary(m.id);
    expect(s!.status).toBe('delivered');
    expect(s!.history.map((h) => [h.status, h.detail])).toEqual([
      ['queued', 'smsc1'],
      ['sent', 'remote id 42'],
      ['delivered', undefined],
    ]);
    expect(s!.history[0]!.at).toBeInstanceOf(Date);
  });

  it('refuses a status for a message it does not have', async () => {
    const store = await open(await tempFile());
    await expect(store.messages.setStatus('nope', 'sent')).rejects.toMatchObject({ code: 'NOWSMS_ERR_STORE' });
  });

  it('lists newest first, filtered, 100 at most by default', async () => {
    const store = await open(await tempFile());
    const base = Date.UTC(2025, 0, 1);
    const items = Array.from({ length: 120 }, (_, i) => ({
      message: sms({ user: i % 2 ? 'bob' : 'alice', direction: i % 3 ? 'MT' : 'MO', receivedAt: new Date(base + i * 1000) }),
      target: { kind: 'connection' as const, id: 'smsc1' },
    }));
    await store.messages.commit(items);
    const all = await store.messages.list();
    expect(all).toHaveLength(100);
    expect(all[0]!.id).toBe(items[119]!.message.id);
    expect(all.map((s) => s.receivedAt.getTime())).toEqual([...all.map((s) => s.receivedAt.getTime())].sort((a, b) => b - a));

    const bobMo = await store.messages.list({ user: 'bob', direction: 'MO', limit: 1000 });
    expect(bobMo).toHaveLength(items.filter((_, i) => i % 2 === 1 && i % 3 === 0).length);
    expect(bobMo.every((s) => s.user === 'bob' && s.direction === 'MO')).toBe(true);
    expect(bobMo[0]!.history).toHaveLength(1);

    await store.messages.setStatus(items[5]!.message.id, 'failed', 'no such number');
    expect((await store.messages.list({ status: 'failed' })).map((s) => s.id)).toEqual([items[5]!.message.id]);
    expect(await store.messages.list({ limit: 3 })).toHaveLength(3);
  });

  it("an operator's delete takes the message out of the queue and the mailbox", async () => {
    const store = await open(await tempFile());
    const queued = sms();
    const boxed = sms({ direction: 'MO' });
    await store.messages.commit([
      { message: queued, target: { kind: 'connection', id: 'smsc1' } },
      { message: boxed, target: { kind: 'mailbox', user: 'alice' } },
    ]);
    await store.messages.setStatus(queued.id, 'deleted', 'by operator');
    await store.messages.setStatus(boxed.id, 'deleted', 'by operator');
    expect(await store.queues.lease('smsc1', new Date(Date.now() + 1000), 10)).toEqual([]);
    expect(await store.mailboxes.list('alice')).toEqual([]);
    expect((await store.messages.summary(queued.id))!.status).toBe('deleted');
  });
});
