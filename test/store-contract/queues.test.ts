// Outbound queues and leases: a dispatcher (or a node) that leases an entry holds it alone until it
// completes, retries or fails it, or until its lease expires (a worker or node that died).
import { describe, expect, it } from 'vitest';
import type { CommitItem, QueueStore } from '../../core/index.ts';
import { storeFactories } from './factories.ts';
import { storeHarness } from './factory.ts';
import { sms, soon } from './fixtures.ts';

const queued = (connection = 'smsc1'): CommitItem => ({ message: sms(), target: { kind: 'connection', id: connection } });
const HOUR = 60 * 60_000;

async function drain(queues: QueueStore, connection = 'smsc1'): Promise<string[]> {
  const taken: string[] = [];
  for (;;) {
    const batch = await queues.lease(connection, soon(), 7);
    if (batch.length === 0) return taken;
    taken.push(...batch.map((e) => e.messageId));
  }
}

for (const factory of storeFactories) {
  describe(`${factory.name} store contract: queues and leases`, () => {
    const h = storeHarness(factory);

    it('leases with the message loaded, oldest first, only this connection’s, never the same entry twice', async () => {
      const { stores } = await h.open();
      const [first, second] = [queued(), queued()];
      await stores.messages.commit([first]);
      await stores.messages.commit([second, queued('other')]);
      const entries = await stores.queues.lease('smsc1', soon(), 10);
      expect(entries.map((e) => e.messageId)).toEqual([first.message.id, second.message.id]);
      expect(entries[0]).toMatchObject({ connectionId: 'smsc1', attempts: 0, message: first.message });
      expect(entries[0]!.lastError).toBeUndefined();
      expect(entries[0]!.nextAttemptAt).toBeInstanceOf(Date);
      expect(await stores.queues.lease('smsc1', soon(), 10)).toEqual([]);
      expect(await stores.queues.lease('smsc1', new Date(Date.now() + 30_000), 10)).toEqual([]);
    });

    it('an expired lease is taken over (a dead worker’s entry is sent), its attempts unchanged', async () => {
      const { stores } = await h.open();
      const item = queued();
      await stores.messages.commit([item]);
      const now = Date.now();
      expect(await stores.queues.lease('smsc1', new Date(now), 1)).toHaveLength(1);
      expect(await stores.queues.lease('smsc1', new Date(now + 1000), 1)).toEqual([]);
      const [again] = await stores.queues.lease('smsc1', new Date(now + HOUR), 1);
      expect(again).toMatchObject({ messageId: item.message.id, attempts: 0 });
      expect(await stores.queues.lease('smsc1', new Date(now + HOUR + 1000), 1)).toEqual([]);
    });

    it('a limit takes only that many, and the rest stay for the next lease', async () => {
      const { stores } = await h.open();
      const items = Array.from({ length: 5 }, () => queued());
      await stores.messages.commit(items);
      expect((await stores.queues.lease('smsc1', soon(), 2)).map((e) => e.messageId)).toEqual(items.slice(0, 2).map((i) => i.message.id));
      expect((await stores.queues.lease('smsc1', soon(), 10)).map((e) => e.messageId)).toEqual(items.slice(2).map((i) => i.message.id));
    });

    it('two concurrent leasers split the queue without overlap', async () => {
      const { stores } = await h.open();
      const items = Array.from({ length: 50 }, () => queued());
      await stores.messages.commit(items);
      const [a, b] = await Promise.all([drain(stores.queues), drain(stores.queues)]);
      expect([...a!, ...b!].sort()).toEqual(items.map((i) => i.message.id).sort());
      expect(a!.filter((id) => b!.includes(id))).toEqual([]);
    });

    it('two handles on one database (two processes, two nodes) split the queue without overlap', async () => {
      const one = await h.open();
      const two = await h.peer(one);
      const items = Array.from({ length: 50 }, () => queued());
      await one.stores.messages.commit(items);
      const [a, b] = await Promise.all([drain(one.stores.queues), drain(two.stores.queues)]);
      expect(a!.length + b!.length).toBe(50);
      expect(new Set([...a!, ...b!]).size).toBe(50);
    });

    it('honours nextAttemptAt: a retry is not leased before it is due, nor a delayed message before its time', async () => {
      const { stores } = await h.open();
      const item = queued();
      const delayUntil = new Date(Date.now() + 10 * 60_000);
      const delayed: CommitItem = { ...queued(), delayUntil };
      await stores.messages.commit([item, delayed]);
      const [entry] = await stores.queues.lease('smsc1', soon(), 10);
      expect(entry!.messageId).toBe(item.message.id);
      await stores.queues.retry(entry!.messageId, new Date(Date.now() + 60_000), 'timeout', true);
      expect(await stores.queues.lease('smsc1', soon(), 10)).toEqual([]);
      const due = await stores.queues.lease('smsc1', new Date(Date.now() + 61_000), 10);
      expect(due.map((e) => e.messageId)).toEqual([item.message.id]);
      await stores.queues.complete(item.message.id);
      const later = await stores.queues.lease('smsc1', new Date(delayUntil.getTime() + 1), 10);
      expect(later.map((e) => [e.messageId, e.nextAttemptAt.getTime()])).toEqual([[delayed.message.id, delayUntil.getTime()]]);
    });

    it('retry hands the entry back, counts an attempt only when asked, and keeps the error', async () => {
      const { stores } = await h.open();
      const item = queued();
      await stores.messages.commit([item]);
      const id = item.message.id;
      await stores.queues.lease('smsc1', soon(), 1);
      await stores.queues.retry(id, new Date(), 'throttled (0x58)', false);
      let [entry] = await stores.queues.lease('smsc1', soon(), 1);
      expect(entry).toMatchObject({ attempts: 0, lastError: 'throttled (0x58)' });

      await stores.queues.retry(id, new Date(), 'no answer from SMSC', true);
      [entry] = await stores.queues.lease('smsc1', soon(), 1);
      expect(entry).toMatchObject({ attempts: 1, lastError: 'no answer from SMSC' });
      const summary = await stores.messages.summary(id);
      expect(summary!.status).toBe('retrying');
      expect(summary!.history.map((e) => e.detail)).toEqual(['smsc1', 'throttled (0x58)', 'no answer from SMSC']);
      expect(await stores.queues.counts()).toEqual({ smsc1: { queued: 0, retrying: 1 } });
      await expect(stores.queues.retry('no-such-message', new Date(), 'x', true)).rejects.toMatchObject({ code: 'NOWSMS_ERR_STORE' });
    });

    it('complete and fail take the entry out of the queue for good, with the right status', async () => {
      const { stores } = await h.open();
      const [ok, bad] = [queued(), queued()];
      await stores.messages.commit([ok, bad]);
      await stores.queues.lease('smsc1', soon(), 10);
      await stores.queues.complete(ok.message.id, 'remote id 7f');
      await stores.queues.fail(bad.message.id, 'invalid destination (0x0B)');
      expect(await stores.messages.summary(ok.message.id)).toMatchObject({ status: 'sent' });
      expect((await stores.messages.summary(ok.message.id))!.history.at(-1)!.detail).toBe('remote id 7f');
      expect(await stores.messages.summary(bad.message.id)).toMatchObject({ status: 'failed' });
      expect((await stores.messages.summary(bad.message.id))!.history.at(-1)!.detail).toBe('invalid destination (0x0B)');
      expect(await stores.queues.counts()).toEqual({});
      expect(await stores.queues.item(ok.message.id)).toBeUndefined();
      await stores.queues.releaseLeases();
      expect(await stores.queues.lease('smsc1', new Date(Date.now() + HOUR), 10)).toEqual([]);
    });

    it('releaseLeases hands back what a dead worker held', async () => {
      const { stores } = await h.open();
      await stores.messages.commit([queued(), queued()]);
      expect(await stores.queues.lease('smsc1', soon(), 10)).toHaveLength(2);
      expect(await stores.queues.lease('smsc1', soon(), 10)).toHaveLength(0);
      await stores.queues.releaseLeases();
      expect(await stores.queues.lease('smsc1', soon(), 10)).toHaveLength(2);
    });

    it('a message committed leased (handed to a dispatcher in memory) is leased by nobody else until its lease ends or is handed back', async () => {
      const { stores } = await h.open();
      expect(stores.queues.leasesAtCommit).toBe(true);
      const until = new Date(Date.now() + HOUR);
      const [a, b, c] = [queued(), queued(), queued()];
      const plain = queued();
      await stores.messages.commit([a, b, c].map((i) => ({ ...i, leasedUntil: until })));
      await stores.messages.commit([plain]);
      expect((await stores.messages.summary(a.message.id))!.status).toBe('queued');
      expect((await stores.queues.lease('smsc1', soon(), 10)).map((e) => e.messageId)).toEqual([plain.message.id]);
      expect(await stores.queues.item(a.message.id)).toMatchObject({ sending: true, attempts: 0 });
      // Sent, retried, or handed back by the node taking the connection over: as any leased entry.
      await stores.queues.complete(a.message.id, 'remote id 1', ['1']);
      await stores.queues.retry(b.message.id, new Date(), 'busy', true);
      expect((await stores.queues.lease('smsc1', soon(), 10)).map((e) => e.messageId)).toEqual([b.message.id]);
      await stores.queues.releaseLeases('smsc1');
      expect((await stores.queues.lease('smsc1', soon(), 10)).map((e) => e.messageId).sort()).toEqual([b.message.id, c.message.id, plain.message.id].sort());
      expect((await stores.messages.summary(a.message.id))!.status).toBe('sent');
      // Past its time, such a lease runs out like any other.
      const brief = queued();
      await stores.messages.commit([{ ...brief, leasedUntil: new Date(Date.now() - 1) }]);
      expect((await stores.queues.lease('smsc1', soon(), 10)).map((e) => e.messageId)).toEqual([brief.message.id]);
    });

    it('an unrouted message waits until assigned, then is queued on that connection', async () => {
      const { stores } = await h.open();
      const m = sms();
      await stores.messages.commit([{ message: m, target: undefined }]);
      expect(await stores.queues.counts()).toEqual({ '': { queued: 1, retrying: 0 } });
      expect(await stores.queues.unrouted(10)).toEqual([m]);

      await stores.queues.assign(m.id, 'modem1');
      expect(await stores.queues.unrouted(10)).toEqual([]);
      expect((await stores.messages.summary(m.id))!.status).toBe('queued');
      expect((await stores.queues.lease('modem1', soon(), 10)).map((e) => e.messageId)).toEqual([m.id]);
      await expect(stores.queues.assign('nope', 'modem1')).rejects.toMatchObject({ code: 'NOWSMS_ERR_STORE' });
    });

    it('counts per connection, the unrouted under ""', async () => {
      const { stores } = await h.open();
      await stores.messages.commit([queued('a'), queued('a'), queued('b'), { message: sms(), target: undefined }]);
      expect(await stores.queues.counts()).toEqual({ a: { queued: 2, retrying: 0 }, b: { queued: 1, retrying: 0 }, '': { queued: 1, retrying: 0 } });
    });

    it('the operator’s view: list pages a queue in lease order, item shows one entry and whether it is being sent', async () => {
      const { stores } = await h.open();
      const items = Array.from({ length: 5 }, () => queued());
      const unrouted = sms({ user: 'alice' });
      await stores.messages.commit([...items, { message: unrouted, target: undefined }]);
      const page = await stores.queues.list('smsc1', { offset: 1, limit: 2 });
      expect(page.total).toBe(5);
      expect(page.items.map((i) => i.messageId)).toEqual(items.slice(1, 3).map((i) => i.message.id));
      expect(page.items[0]).toMatchObject({ connectionId: 'smsc1', status: 'queued', attempts: 0, sending: false, direction: 'MT', kind: 'sms' });
      const none = await stores.queues.list(null, { offset: 0, limit: 10 });
      expect(none.total).toBe(1);
      expect(none.items[0]).toMatchObject({ messageId: unrouted.id, status: 'no-route', user: 'alice' });
      expect(none.items[0]!.connectionId).toBeUndefined();
      await stores.queues.lease('smsc1', new Date(), 1);
      expect(await stores.queues.item(items[0]!.message.id)).toMatchObject({ sending: true });
      expect(await stores.queues.item('nope')).toBeUndefined();
    });

    it('operator actions: retry now, move and delete refuse an entry being sent, a message in no queue, an unknown id', async () => {
      const { stores } = await h.open();
      const [sending, waiting, other] = [queued(), queued(), queued('smsc3')];
      const unrouted = sms();
      await stores.messages.commit([sending, waiting, other, { message: unrouted, target: undefined }]);
      await stores.queues.lease('smsc1', new Date(), 1);
      for (const act of [
        () => stores.queues.retryNow(sending.message.id, 'by admin'),
        () => stores.queues.move(sending.message.id, 'smsc2', 'by admin'),
        () => stores.messages.delete(sending.message.id, 'by admin'),
      ]) {
        await expect(act()).rejects.toMatchObject({ code: 'NOWSMS_ERR_CONFLICT' });
      }
      await expect(stores.queues.retryNow('nope', 'by admin')).rejects.toMatchObject({ code: 'NOWSMS_ERR_NOT_FOUND' });
      await expect(stores.messages.delete('nope')).rejects.toMatchObject({ code: 'NOWSMS_ERR_NOT_FOUND' });
      await expect(stores.queues.move(waiting.message.id, 'smsc2', 'by admin', { onlyUnrouted: true })).rejects.toMatchObject({ code: 'NOWSMS_ERR_CONFLICT' });

      await stores.queues.retry(waiting.message.id, new Date(Date.now() + HOUR), 'busy', true);
      await stores.queues.retryNow(waiting.message.id, 'retry now by admin');
      expect((await stores.queues.lease('smsc1', soon(), 10)).map((e) => [e.messageId, e.attempts])).toEqual([[waiting.message.id, 1]]);
      await stores.queues.retry(waiting.message.id, new Date(Date.now() + HOUR), 'busy', true);
      await stores.queues.move(waiting.message.id, 'smsc2', 'moved by admin');
      await stores.queues.move(unrouted.id, 'smsc2', 'routed by admin', { onlyUnrouted: true });
      expect((await stores.queues.lease('smsc2', soon(), 10)).map((e) => [e.messageId, e.attempts])).toEqual([
        [waiting.message.id, 2],
        [unrouted.id, 0],
      ]);
      expect((await stores.messages.summary(unrouted.id))!.history.at(-1)).toMatchObject({ status: 'queued', detail: 'routed by admin' });

      await stores.messages.delete(other.message.id, 'deleted by admin');
      expect(await stores.messages.summary(other.message.id)).toMatchObject({ status: 'deleted' });
      expect(await stores.queues.item(other.message.id)).toBeUndefined();
      await expect(stores.messages.delete(other.message.id)).rejects.toMatchObject({ code: 'NOWSMS_ERR_CONFLICT' });
      await expect(stores.queues.retryNow(other.message.id, 'x')).rejects.toMatchObject({ code: 'NOWSMS_ERR_CONFLICT' });
    });
  });
}
