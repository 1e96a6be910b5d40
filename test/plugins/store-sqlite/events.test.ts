// The event log: every write that changes a message appends its change, in order, in the same transaction,
// with where it put the message; durable reactors' cursors survive a restart.
import { describe, expect, it } from 'vitest';
import { NowsmsError, type CommitItem, type StatusChange } from '../../../core/index.ts';
import { close, open, sms, tempFile, user } from './helpers.ts';

/** What a reactor sees of a change, without the times. */
const brief = (c: StatusChange) => [c.messageId, c.status, c.target ?? null];

describe('store-sqlite event log', () => {
  it('records every write path, in order, with its target and the facts of the message', async () => {
    const store = await open(await tempFile());
    await store.users.put(user({ name: 'bob' }));
    const toMailbox = sms({ direction: 'MO', via: 'modem1' });
    const toQueue = sms({ user: 'alice', via: 'smtp' });
    const unrouted = sms();
    const unclaimed = sms({ direction: 'MO' });
    const toCommand = sms({ direction: 'MO' });
    const failing = sms();
    const items: CommitItem[] = [
      { message: toMailbox, target: { kind: 'mailbox', user: 'bob' } },
      { message: toQueue, target: { kind: 'connection', id: 'smsc1' } },
      { message: unrouted, target: undefined },
      { message: unclaimed, target: undefined },
      { message: toCommand, target: { kind: 'command', id: 'weather' } },
      { message: failing, target: { kind: 'connection', id: 'smsc2' } },
    ];
    await store.messages.commit(items);
    await store.queues.assign(unrouted.id, 'smsc2');
    await store.queues.lease('smsc1', new Date(Date.now() + 1000), 10);
    await store.queues.retry(toQueue.id, new Date(), 'busy', true);
    await store.queues.lease('smsc1', new Date(Date.now() + 1000), 10);
    await store.queues.complete(toQueue.id, 'remote id r1', ['r1']);
    await store.messages.recordReport({ connectionId: 'smsc1', remoteId: 'r1', outcome: 'delivered' });
    await store.queues.fail(failing.id, 'refused');
    await store.mailboxes.remove('bob', [toMailbox.id]);
    await store.messages.setStatus(unrouted.id, 'deleted', 'by the operator');

    const log = await store.events.changesSince(0, 100);
    const smsc1 = { kind: 'connection', id: 'smsc1' };
    expect(log.map(brief)).toEqual([
      [toMailbox.id, 'in-mailbox', { kind: 'mailbox', user: 'bob' }],
      [toQueue.id, 'queued', smsc1],
      [unrouted.id, 'no-route', null],
      [unclaimed.id, 'received', null],
      [toCommand.id, 'received', { kind: 'command', id: 'weather' }],
      [failing.id, 'queued', { kind: 'connection', id: 'smsc2' }],
      [unrouted.id, 'queued', { kind: 'connection', id: 'smsc2' }],
      [toQueue.id, 'retrying', smsc1],
      [toQueue.id, 'sent', smsc1],
      [toQueue.id, 'delivered', smsc1],
      [failing.id, 'failed', { kind: 'connection', id: 'smsc2' }],
      [toMailbox.id, 'retrieved', { kind: 'mailbox', user: 'bob' }],
      [unrouted.id, 'deleted', null],
    ]);
    // seq only grows, the newest is the last one, and a reader can resume from any seq.
    const seqs = log.map((c) => c.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(await store.events.newestSeq()).toBe(seqs.at(-1));
    expect((await store.events.changesSince(seqs[9]!, 2)).map(brief)).toEqual(log.slice(10, 12).map(brief));
    expect(await store.events.changesSince(seqs.at(-1)!, 100)).toEqual([]);
    // The facts a reactor filters on come with each change.
    expect(log[0]).toMatchObject({ direction: 'MO', via: 'modem1' });
    expect(log[1]).toMatchObject({ direction: 'MT', via: 'smtp', user: 'alice' });
    expect(log[2]!.user).toBeUndefined();
    // Every message's own history is its slice of the log.
    const history = (await store.messages.summary(toQueue.id))!.history.map((h) => h.status);
    expect(history).toEqual(log.filter((c) => c.messageId === toQueue.id).map((c) => c.status));
  });

  it('a refused write appends nothing: the change and the write are one transaction', async () => {
    const store = await open(await tempFile());
    await store.users.put(user({ name: 'alice', credits: 1 }));
    const charged = (n: number) => Array.from({ length: n }, (): CommitItem => ({ message: sms({ user: 'alice' }), target: { kind: 'connection', id: 'c' } }));
    const before = await store.events.newestSeq();
    await expect(store.messages.commit(charged(2), { user: 'alice', messages: 2 })).rejects.toBeInstanceOf(NowsmsError);
    await expect(store.queues.retry('no-such-message', new Date(), 'x', true)).rejects.toThrow(/not waiting in the queue/);
    expect(await store.events.newestSeq()).toBe(before);
    expect(await store.events.changesSince(before, 10)).toEqual([]);
  });

  it('writes grouped into one transaction keep the order they were made in', async () => {
    const store = await open(await tempFile());
    const items = Array.from({ length: 250 }, (): CommitItem => ({ message: sms(), target: { kind: 'connection', id: 'c' } }));
    // Issued in the same turn: they share transactions and multi-row statements.
    await Promise.all(items.map((i) => store.messages.commit([i])));
    const leased = await store.queues.lease('c', new Date(Date.now() + 1000), 250);
    const order = [...leased].reverse().map((e) => e.messageId);
    await Promise.all(order.map((id, n) => store.queues.complete(id, undefined, [`r${n}`])));
    await Promise.all(order.map((_, n) => store.messages.recordReport({ connectionId: 'c', remoteId: `r${n}`, outcome: 'delivered' })));
    const log: StatusChange[] = [];
    for (let cursor = 0; ;) {
      const batch = await store.events.changesSince(cursor, 100);
      if (batch.length === 0) break;
      log.push(...batch);
      cursor = batch.at(-1)!.seq;
    }
    expect(log.map((c) => [c.messageId, c.status])).toEqual([
      ...items.map((i) => [i.message.id, 'queued']),
      ...order.map((id) => [id, 'sent']),
      ...order.map((id) => [id, 'delivered']),
    ]);
  });

  it("keeps a reactor's cursor across a restart, and never moves it back", async () => {
    const file = await tempFile();
    const store = await open(file);
    expect(await store.events.cursor('smpp-server:receipts')).toBeUndefined();
    await store.events.saveCursor('smpp-server:receipts', 42);
    await store.events.saveCursor('smpp-server:receipts', 41);
    await store.events.saveCursor('other', 7);
    await close(store);
    const again = await open(file);
    expect(await again.events.cursor('smpp-server:receipts')).toBe(42);
    expect(await again.events.cursor('other')).toBe(7);
  });

  it("wakes this store's followers after its own commits; another connection's commits are read, not announced", async () => {
    const file = await tempFile();
    const mine = await open(file);
    const other = await open(file);
    let woken = 0;
    const stop = mine.events.onAppend(() => woken++);
    const own = sms();
    await mine.messages.commit([{ message: own, target: undefined }]);
    expect(woken).toBeGreaterThan(0);
    const seen = woken;
    const foreign = sms();
    await other.messages.commit([{ message: foreign, target: undefined }]);
    expect(woken).toBe(seen);
    expect((await mine.events.changesSince(0, 10)).map((c) => c.messageId)).toEqual([own.id, foreign.id]);
    // Writes that append nothing to the log (a lease, a cursor) wake nobody: a read would find nothing new.
    await mine.queues.lease('smsc', new Date(), 10);
    await mine.events.saveCursor('r', 1);
    expect(woken).toBe(seen);
    await mine.messages.setStatus(own.id, 'deleted', 'by a test');
    expect(woken).toBe(seen + 1);
    stop();
    await mine.messages.commit([{ message: sms(), target: undefined }]);
    expect(woken).toBe(seen + 1);
  });
});
