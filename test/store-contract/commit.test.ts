// Commit atomicity: a submission is stored whole, with its route, status and event, or not at all; one
// submission's failure never takes another's with it.
import { describe, expect, it } from 'vitest';
import type { CommitItem, Segment } from '../../core/index.ts';
import { storeFactories } from './factories.ts';
import { storeHarness } from './factory.ts';
import { sms, soon, toConnection, toMailbox, user } from './fixtures.ts';

const segment = (key: string, seq: number): Segment => ({
  key,
  seq,
  total: 2,
  receivedAt: new Date(),
  from: '+447700900123',
  to: '+15550001111',
  via: 'modem1',
  part: { contentType: 'text/plain; charset=utf-8', data: Buffer.from(`part ${seq}`) },
  meta: {},
});

for (const factory of storeFactories) {
  describe(`${factory.name} store contract: commit atomicity`, () => {
    const h = storeHarness(factory);

    it('gives back a message exactly as committed, after a restart: binary part, emoji, dates and meta intact', async () => {
      const store = await h.open();
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
      expect(await store.stores.messages.commit([{ message, target: { kind: 'connection', id: 'mmsc' } }])).toEqual([{ id: message.id, duplicate: false }]);
      const again = await h.reopen(store);
      const got = await again.stores.messages.get(message.id);
      expect(got).toEqual(message);
      expect(got!.parts[0]!.data.toString('utf8')).toBe('See you there 😀👍🏽 ünïcödé');
      expect(Buffer.isBuffer(got!.parts[1]!.data) && got!.parts[1]!.data.equals(image)).toBe(true);
      expect(got!.receivedAt).toBeInstanceOf(Date);
    });

    it('answers undefined for a message it does not have, and refuses a status for it', async () => {
      const { stores } = await h.open();
      expect(await stores.messages.get('nope')).toBeUndefined();
      expect(await stores.messages.summary('nope')).toBeUndefined();
      await expect(stores.messages.setStatus('nope', 'sent')).rejects.toMatchObject({ code: 'NOWSMS_ERR_STORE' });
    });

    it('stores each message with its route and first status, and answers one Committed per item, in order', async () => {
      const { stores } = await h.open();
      const boxed = sms({ direction: 'MO' });
      const queued = sms();
      const unrouted = sms();
      const commanded = sms({ direction: 'MO' });
      const committed = await stores.messages.commit([
        { message: boxed, target: { kind: 'mailbox', user: 'alice' } },
        { message: queued, target: { kind: 'connection', id: 'smsc1' } },
        { message: unrouted, target: undefined, detail: 'no connection carries +1555' },
        { message: commanded, target: { kind: 'command', id: 'weather' } },
      ]);
      expect(committed).toEqual([boxed, queued, unrouted, commanded].map((m) => ({ id: m.id, duplicate: false })));
      const status = async (id: string) => (await stores.messages.summary(id))!;
      expect(await status(boxed.id)).toMatchObject({ status: 'in-mailbox', target: { kind: 'mailbox', user: 'alice' } });
      expect(await status(queued.id)).toMatchObject({ status: 'queued', target: { kind: 'connection', id: 'smsc1' } });
      expect(await status(unrouted.id)).toMatchObject({ status: 'no-route' });
      expect((await status(unrouted.id)).target).toBeUndefined();
      expect((await status(unrouted.id)).history.map((e) => e.detail)).toEqual(['no connection carries +1555']);
      expect(await status(commanded.id)).toMatchObject({ status: 'received', target: { kind: 'command', id: 'weather' } });
      expect((await stores.mailboxes.list('alice')).map((e) => e.messageId)).toEqual([boxed.id]);
      expect((await stores.queues.lease('smsc1', soon(), 10)).map((e) => e.messageId)).toEqual([queued.id]);
      expect((await stores.queues.unrouted(10)).map((m) => m.id)).toEqual([unrouted.id]);
    });

    it('a submission is all or nothing: a bad item (an id already stored) leaves nothing of the others behind', async () => {
      const { stores } = await h.open();
      const existing = toConnection('gus');
      await stores.messages.commit([existing]);
      const seq = await stores.events.newestSeq();
      const fresh = [toConnection('gus'), toMailbox('bob')];
      await expect(stores.messages.commit([...fresh, existing])).rejects.toMatchObject({ code: 'NOWSMS_ERR_STORE', temporary: false });
      for (const item of fresh) expect(await stores.messages.get(item.message.id)).toBeUndefined();
      expect(await stores.mailboxes.list('bob')).toEqual([]);
      expect((await stores.queues.counts()).smsc1).toEqual({ queued: 1, retrying: 0 });
      expect(await stores.events.changesSince(seq, 10)).toEqual([]);
    });

    it('a failed commit keeps the segments it would have consumed; a good one drops them with the same write', async () => {
      const { stores } = await h.open();
      const key = 'modem1|+447700900123|7|2';
      await stores.segments.put(segment(key, 1));
      await stores.segments.put(segment(key, 2));
      const existing = toMailbox('bob');
      await stores.messages.commit([existing]);
      const joined: CommitItem = { ...toMailbox('bob'), consumesSegments: key };
      await expect(stores.messages.commit([joined, existing])).rejects.toMatchObject({ code: 'NOWSMS_ERR_STORE' });
      expect((await stores.segments.get(key)).map((s) => s.seq)).toEqual([1, 2]);
      await stores.messages.commit([joined]);
      expect(await stores.segments.get(key)).toEqual([]);
      expect(await stores.messages.get(joined.message.id)).toEqual(joined.message);
    });

    it('concurrent submissions: one with a bad item fails alone and takes nothing with it', async () => {
      const { stores } = await h.open();
      const existing = toConnection('gus');
      await stores.messages.commit([existing]);
      const submissions = Array.from({ length: 10 }, (_, i) => (i === 5 ? [toConnection('gus'), existing] : [toConnection('gus'), toConnection('gus')]));
      const results = await Promise.allSettled(submissions.map((items) => stores.messages.commit(items)));
      expect(results.map((r) => r.status)).toEqual(submissions.map((_, i) => (i === 5 ? 'rejected' : 'fulfilled')));
      expect((results[5] as PromiseRejectedResult).reason).toMatchObject({ code: 'NOWSMS_ERR_STORE', temporary: false });
      for (const [i, items] of submissions.entries()) {
        expect(await stores.messages.get(items[0]!.message.id), `submission ${i}`).toEqual(i === 5 ? undefined : items[0]!.message);
      }
      expect((await stores.queues.counts()).smsc1).toEqual({ queued: 19, retrying: 0 });
    });

    it('a failing submission between other writes made at the same time is undone alone', async () => {
      const { stores } = await h.open();
      const existing = toConnection('hal');
      await stores.messages.commit([existing]);
      const fresh = [toConnection('hal'), toConnection('hal'), toConnection('hal')];
      const results = await Promise.allSettled([
        stores.users.put(user({ name: 'ida' })),
        stores.messages.commit([fresh[0]!]),
        stores.messages.commit([fresh[1]!, existing]),
        stores.messages.commit([fresh[2]!]),
        stores.users.put(user({ name: 'joe' })),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      expect(await stores.messages.get(fresh[0]!.message.id)).toEqual(fresh[0]!.message);
      expect(await stores.messages.get(fresh[1]!.message.id)).toBeUndefined();
      expect(await stores.messages.get(fresh[2]!.message.id)).toEqual(fresh[2]!.message);
      expect((await stores.users.list()).map((u) => u.name)).toEqual(['ida', 'joe']);
    });

    it('200 concurrent commits all land', async () => {
      const { stores } = await h.open();
      const items = Array.from({ length: 200 }, () => toConnection('bob'));
      await Promise.all(items.map((item) => stores.messages.commit([item], { user: 'bob', messages: 1 })));
      expect(await stores.messages.list({ limit: 1000 })).toHaveLength(200);
      expect((await stores.queues.counts()).smsc1).toEqual({ queued: 200, retrying: 0 });
    });

    it('two handles on one database (the CLI beside a gateway, two nodes) both commit, and each sees the other’s', async () => {
      const gateway = await h.open();
      const cli = await h.peer(gateway);
      const items = Array.from({ length: 100 }, () => toConnection('bob'));
      await Promise.all(items.map((item, i) => (i % 2 ? gateway : cli).stores.messages.commit([item])));
      expect(await gateway.stores.messages.list({ limit: 1000 })).toHaveLength(100);
      expect(await cli.stores.messages.get(items[1]!.message.id)).toEqual(items[1]!.message);
    });

    it('keeps empty and numeric-looking values as they were: empty subject, name and data, a sender like 0042', async () => {
      const store = await h.open();
      const m = sms({
        subject: '',
        from: '0042',
        via: '',
        user: '0',
        meta: { list: [1, 'x', null], big: 2 ** 53 - 1, empty: '' },
        parts: [{ contentType: 'text/plain', name: '', contentId: '', data: Buffer.alloc(0) }],
      });
      await store.stores.messages.commit([{ message: m, target: { kind: 'mailbox', user: '0042' } }]);
      const again = await h.reopen(store);
      expect(await again.stores.messages.get(m.id)).toEqual(m);
      expect(await again.stores.messages.summary(m.id)).toMatchObject({ subject: '', user: '0', via: '', from: '0042' });
      expect((await again.stores.mailboxes.list('0042')).map((e) => e.messageId)).toEqual([m.id]);
    });
  });
}
