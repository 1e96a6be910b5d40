import { describe, expect, it } from 'vitest';
import type { CommitItem } from '../../../core/index.ts';
import { open, sms, tempFile } from './helpers.ts';

const queued = (connection = 'smsc1', receivedAt = new Date()): CommitItem => ({
  message: sms({ receivedAt }),
  target: { kind: 'connection', id: connection },
});
const later = () => new Date(Date.now() + 1000);

async function drain(lease: (limit: number) => Promise<{ messageId: string }[]>): Promise<string[]> {
  const taken: string[] = [];
  for (;;) {
    const batch = await lease(7);
    if (batch.length === 0) return taken;
    taken.push(...batch.map((e) => e.messageId));
  }
}

describe('store-sqlite queues', () => {
  it('leases with the message loaded, oldest first, never the same entry twice', async () => {
    const store = await open(await tempFile());
    const first = queued();
    const second = queued();
    await store.messages.commit([first]);
    await store.messages.commit([second, queued('other')]);
    const entries = await store.queues.lease('smsc1', later(), 10);
    expect(entries.map((e) => e.messageId)).toEqual([first.message.id, second.message.id]);
    expect(entries[0]).toMatchObject({ connectionId: 'smsc1', attempts: 0, message: first.message });
    expect(entries[0]!.nextAttemptAt).toBeInstanceOf(Date);
    expect(await store.queues.lease('smsc1', later(), 10)).toEqual([]);
  });

  it('two concurrent leasers on one store split the queue without overlap', async () => {
    const store = await open(await tempFile());
    const items = Array.from({ length: 50 }, () => queued());
    await store.messages.commit(items);
    const [a, b] = await Promise.all([0, 1].map(() => drain((n) => store.queues.lease('smsc1', later(), n))));
    expect([...a!, ...b!].sort()).toEqual(items.map((i) => i.message.id).sort());
    expect(a!.filter((id) => b!.includes(id))).toEqual([]);
  });

  it('two processes sharing the file (two store handles) split the queue without overlap', async () => {
    const file = await tempFile();
    const one = await open(file);
    const two = await open(file);
    const items = Array.from({ length: 50 }, () => queued());
    await one.messages.commit(items);
    const [a, b] = await Promise.all([one, two].map((s) => drain((n) => s.queues.lease('smsc1', later(), n))));
    expect(a!.length + b!.length).toBe(50);
    expect(new Set([...a!, ...b!]).size).toBe(50);
  });

  it('an entry not yet due is not leased', async () => {
    const store = await open(await tempFile());
    const item = queued();
    await store.messages.commit([item]);
    const [entry] = await store.queues.lease('smsc1', later(), 1);
    await store.queues.retry(entry!.messageId, new Date(Date.now() + 60_000), 'timeout', true);
    expect(await store.queues.lease('smsc1', later(), 1)).toEqual([]);
    expect(await store.queues.lease('smsc1', new Date(Date.now() + 61_000), 1)).toHaveLength(1);
  });

  it('retry counts an attempt only when asked, and keeps the error', async () => {
    const store = await open(await tempFile());
    const item = queued();
    await store.messages.commit([item]);
    const id = item.message.id;
    await store.queues.lease('smsc1', later(), 1);
    await store.queues.retry(id, new Date(), 'throttled (0x58)', false);
    let [entry] = await store.queues.lease('smsc1', later(), 1);
    expect(entry).toMatchObject({ attempts: 0, lastError: 'throttled (0x58)' });

    await store.queues.retry(id, new Date(), 'no answer from SMSC', true);
    [entry] = await store.queues.lease('smsc1', later(), 1);
    expect(entry).toMatchObject({ attempts: 1, lastError: 'no answer from SMSC' });
    const summary = await store.messages.summary(id);
    expect(summary!.status).toBe('retrying');
    expect(summary!.history.map((h) => h.detail)).toEqual(['smsc1', 'throttled (0x58)', 'no answer from SMSC']);
    expect(await store.queues.counts()).toEqual({ smsc1: { queued: 0, retrying: 1 } });
  });

  it('complete and fail take the entry out of the queue with the right status', async () => {
    const store = await open(await tempFile());
    const ok = queued();
    const bad = queued();
    await store.messages.commit([ok, bad]);
    await store.queues.lease('smsc1', later(), 10);
    await store.queues.complete(ok.message.id, 'remote id 7f');
    await store.queues.fail(bad.message.id, 'invalid destination (0x0B)');
    expect(await store.messages.summary(ok.message.id)).toMatchObject({ status: 'sent' });
    expect((await store.messages.summary(ok.message.id))!.history.at(-1)!.detail).toBe('remote id 7f');
    expect(await store.messages.summary(bad.message.id)).toMatchObject({ status: 'failed' });
    expect(await store.queues.counts()).toEqual({});
    await store.queues.releaseLeases();
    expect(await store.queues.lease('smsc1', later(), 10)).toEqual([]);
  });

  it('an unrouted message waits until assigned, then is queued on that connection', async () => {
    const store = await open(await tempFile());
    const m = sms();
    await store.messages.commit([{ message: m, target: undefined }]);
    expect(await store.queues.counts()).toEqual({ '': { queued: 1, retrying: 0 } });
    expect(await store.queues.unrouted(10)).toEqual([m]);

    await store.queues.assign(m.id, 'modem1');
    expect(await store.queues.unrouted(10)).toEqual([]);
    expect((await store.messages.summary(m.id))!.status).toBe('queued');
    expect((await store.queues.lease('modem1', later(), 10)).map((e) => e.messageId)).toEqual([m.id]);
    await expect(store.queues.assign('nope', 'modem1')).rejects.toMatchObject({ code: 'NOWSMS_ERR_STORE' });
  });

  it('releaseLeases hands back what a dead worker held', async () => {
    const store = await open(await tempFile());
    await store.messages.commit([queued(), queued()]);
    expect(await store.queues.lease('smsc1', later(), 10)).toHaveLength(2);
    expect(await store.queues.lease('smsc1', later(), 10)).toHaveLength(0);
    await store.queues.releaseLeases();
    expect(await store.queues.lease('smsc1', later(), 10)).toHaveLength(2);
  });

  it('counts per connection', async () => {
    const store = await open(await tempFile());
    await store.messages.commit([queued('a'), queued('a'), queued('b'), { message: sms(), target: undefined }]);
    expect(await store.queues.counts()).toEqual({ a: { queued: 2, retrying: 0 }, b: { queued: 1, retrying: 0 }, '': { queued: 1, retrying: 0 } });
  });
});
