// The event log: every write that changes a message appends its change, in commit order, in the same
// transaction, with where it put the message; a durable follower resumes from its saved cursor.
import { describe, expect, it } from 'vitest';
import { NowsmsError, type CommitItem, type EventLog, type StatusChange } from '../../core/index.ts';
import { storeFactories } from './factories.ts';
import { storeHarness } from './factory.ts';
import { sms, soon, toConnection, user } from './fixtures.ts';
import { waitFor } from '../helpers/wait.ts';

/** What a reactor sees of a change, without the times. */
const brief = (c: StatusChange) => [c.messageId, c.status, c.target ?? null];

/** A durable follower's catch-up: read in small batches, saving the cursor after each, as core/follow.ts does. */
async function follow(events: EventLog, name: string, seen: StatusChange[]): Promise<void> {
  let cursor = (await events.cursor(name)) ?? 0;
  for (;;) {
    const batch = await events.changesSince(cursor, 3);
    if (batch.length === 0) return;
    seen.push(...batch);
    cursor = batch.at(-1)!.seq;
    await events.saveCursor(name, cursor);
  }
}

for (const factory of storeFactories) {
  describe(`${factory.name} store contract: the event log and cursors`, () => {
    const h = storeHarness(factory);

    it("tells its own process's followers only changes that are the log's own, in order", async () => {
      const { stores } = await h.open();
      await stores.users.put(user({ name: 'bob' }));
      const told: (readonly StatusChange[])[] = [];
      stores.events.onAppend((changes) => {
        if (changes) told.push(changes);
      });
      const queued = sms({ user: 'alice', via: 'smtp' });
      const received = sms({ direction: 'MO', via: 'modem1' });
      await stores.messages.commit([
        { message: queued, target: { kind: 'connection', id: 'smsc1' } },
        { message: received, target: { kind: 'mailbox', user: 'bob' } },
      ]);
      await stores.messages.commit([{ message: sms(), target: undefined, detail: 'no route' }]);
      await stores.queues.lease('smsc1', soon(), 10);
      await stores.queues.complete(queued.id, 'remote id r1', ['r1']);
      await stores.queues.complete('no-such-message', undefined, []).catch(() => undefined);
      const log = await stores.events.changesSince(0, 100);
      for (const changes of told) {
        const at = log.findIndex((c) => c.seq === changes[0]!.seq);
        expect(at).toBeGreaterThanOrEqual(0);
        expect([...changes]).toEqual(log.slice(at, at + changes.length));
      }
    });

    it('a transaction of several kinds of writes tells every change it appended, as the log has it, here and to another handle', async () => {
      const one = await h.open();
      const two = await h.peer(one);
      await one.stores.users.put(user({ name: 'alice', dailyLimit: 100 }));
      const heard = (stores: typeof one.stores) => {
        const told: StatusChange[] = [];
        stores.events.onAppend((changes) => {
          if (changes) told.push(...changes);
        });
        return told;
      };
      const here = heard(one.stores);
      const there = heard(two.stores);
      const first = sms({ user: 'alice', via: 'smtp' });
      await one.stores.messages.commit([{ message: first, target: { kind: 'connection', id: 'smsc1' } }]);
      await one.stores.queues.lease('smsc1', soon(), 10);
      const before = (await one.stores.events.changesSince(0, 100)).length;
      // Started in one turn, so they share a transaction: a charged commit (not one plain statement), a
      // completion and a message to a mailbox.
      const charged = sms({ user: 'alice', via: 'http' });
      const received = sms({ direction: 'MO', via: 'modem1' });
      await Promise.all([
        one.stores.messages.commit([{ message: charged, target: { kind: 'connection', id: 'smsc1' } }], { user: 'alice', messages: 1 }),
        // A detail with quotes, a backslash and dollars: it travels in PostgreSQL's notification as it is.
        one.stores.queues.complete(first.id, "remote id r1: it's \\ $1 $$ 😀", ['r1']),
        one.stores.messages.commit([{ message: received, target: { kind: 'mailbox', user: 'alice' } }]),
      ]);
      const log = await one.stores.events.changesSince(0, 100);
      expect(log.slice(before).map(brief)).toEqual(
        expect.arrayContaining([
          [charged.id, 'queued', { kind: 'connection', id: 'smsc1' }],
          [first.id, 'sent', { kind: 'connection', id: 'smsc1' }],
          [received.id, 'in-mailbox', { kind: 'mailbox', user: 'alice' }],
        ]),
      );
      // Every change is told to this handle's followers, each exactly as the log reads it.
      await waitFor('every change told here', () => here.length >= log.length);
      expect(here).toEqual(log);
      // Another handle's followers are told what they are told exactly as the log has it (or read it).
      // PostgreSQL tells them in its notifications: every node is spared the read.
      if (factory.name === 'postgres') await waitFor('every change told there', () => there.length >= log.length);
      else await new Promise((r) => setTimeout(r, 50));
      for (const c of there) expect(c).toEqual(log.find((l) => l.seq === c.seq));
    });

    it('records every write path, in order, with its target and the facts of the message', async () => {
      const { stores } = await h.open();
      await stores.users.put(user({ name: 'bob' }));
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
      await stores.messages.commit(items);
      await stores.queues.assign(unrouted.id, 'smsc2');
      await stores.queues.lease('smsc1', soon(), 10);
      await stores.queues.retry(toQueue.id, new Date(), 'busy', true);
      await stores.queues.lease('smsc1', soon(), 10);
      await stores.queues.complete(toQueue.id, 'remote id r1', ['r1']);
      await stores.messages.recordReport({ connectionId: 'smsc1', remoteId: 'r1', outcome: 'delivered' });
      await stores.queues.fail(failing.id, 'refused');
      await stores.mailboxes.remove('bob', [toMailbox.id]);
      await stores.messages.setStatus(unrouted.id, 'deleted', 'by the operator');

      const log = await stores.events.changesSince(0, 100);
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
      expect(await stores.events.newestSeq()).toBe(seqs.at(-1));
      expect((await stores.events.changesSince(seqs[9]!, 2)).map(brief)).toEqual(log.slice(10, 12).map(brief));
      expect(await stores.events.changesSince(seqs.at(-1)!, 100)).toEqual([]);
      // The facts a reactor filters on come with each change.
      expect(log[0]).toMatchObject({ direction: 'MO', via: 'modem1' });
      expect(log[1]).toMatchObject({ direction: 'MT', via: 'smtp', user: 'alice' });
      expect(log[2]!.user).toBeUndefined();
      expect(log[0]!.at).toBeInstanceOf(Date);
      // Every message's own history is its slice of the log.
      const history = (await stores.messages.summary(toQueue.id))!.history.map((e) => e.status);
      expect(history).toEqual(log.filter((c) => c.messageId === toQueue.id).map((c) => c.status));
    });

    it('an empty log is at seq 0', async () => {
      const { stores } = await h.open();
      expect(await stores.events.newestSeq()).toBe(0);
      expect(await stores.events.changesSince(0, 10)).toEqual([]);
    });

    it('a refused write appends nothing: the change and the write are one transaction', async () => {
      const { stores } = await h.open();
      await stores.users.put(user({ name: 'alice', credits: 1 }));
      const charged = Array.from({ length: 2 }, () => toConnection('alice', 'c'));
      const before = await stores.events.newestSeq();
      await expect(stores.messages.commit(charged, { user: 'alice', messages: 2 })).rejects.toBeInstanceOf(NowsmsError);
      await expect(stores.queues.retry('no-such-message', new Date(), 'x', true)).rejects.toThrow(/not waiting in the queue/);
      expect(await stores.events.newestSeq()).toBe(before);
      expect(await stores.events.changesSince(before, 10)).toEqual([]);
    });

    it('writes made at the same time keep the order they were made in', async () => {
      const { stores } = await h.open();
      const items = Array.from({ length: 250 }, () => toConnection(undefined, 'c'));
      await Promise.all(items.map((i) => stores.messages.commit([i])));
      const leased = await stores.queues.lease('c', soon(), 250);
      const order = [...leased].reverse().map((e) => e.messageId);
      await Promise.all(order.map((id, n) => stores.queues.complete(id, undefined, [`r${n}`])));
      await Promise.all(order.map((_, n) => stores.messages.recordReport({ connectionId: 'c', remoteId: `r${n}`, outcome: 'delivered' })));
      const log: StatusChange[] = [];
      await follow(stores.events, 'reader', log);
      expect(log.map((c) => [c.messageId, c.status])).toEqual([
        ...items.map((i) => [i.message.id, 'queued']),
        ...order.map((id) => [id, 'sent']),
        ...order.map((id) => [id, 'delivered']),
      ]);
    });

    it("keeps a reactor's cursor across a restart, and never moves it back", async () => {
      const store = await h.open();
      expect(await store.stores.events.cursor('smpp-server:receipts')).toBeUndefined();
      await store.stores.events.saveCursor('smpp-server:receipts', 42);
      await store.stores.events.saveCursor('smpp-server:receipts', 41);
      await store.stores.events.saveCursor('other', 7);
      const again = await h.reopen(store);
      expect(await again.stores.events.cursor('smpp-server:receipts')).toBe(42);
      expect(await again.stores.events.cursor('other')).toBe(7);
    });

    it('a follower with a durable cursor resumes after a restart without gaps or repeats', async () => {
      let store = await h.open();
      const seen: StatusChange[] = [];
      await store.stores.messages.commit(Array.from({ length: 7 }, () => toConnection()));
      await follow(store.stores.events, 'follower', seen);
      await store.stores.messages.commit(Array.from({ length: 5 }, () => toConnection()));
      const leased = await store.stores.queues.lease('smsc1', soon(), 4);
      for (const e of leased) await store.stores.queues.complete(e.messageId);
      // The process dies here: the changes since the last save were never read.
      store = await h.reopen(store);
      await store.stores.messages.commit([toConnection()]);
      await follow(store.stores.events, 'follower', seen);
      const log = await store.stores.events.changesSince(0, 1000);
      expect(log).toHaveLength(7 + 5 + 4 + 1);
      expect(seen.map((c) => c.seq)).toEqual(log.map((c) => c.seq));
      expect(await store.stores.events.cursor('follower')).toBe(log.at(-1)!.seq);
    });

    it("a follower on another handle reads this one's changes in the same order", async () => {
      const one = await h.open();
      const two = await h.peer(one);
      await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? one : two).stores.messages.commit([toConnection()])));
      const fromOne = await one.stores.events.changesSince(0, 100);
      expect(fromOne).toHaveLength(20);
      expect(await two.stores.events.changesSince(0, 100)).toEqual(fromOne);
    });

    it("wakes this handle's followers after its own commits, until they stop listening", async () => {
      const { stores } = await h.open();
      let woken = 0;
      const stop = stores.events.onAppend(() => woken++);
      const own = sms();
      await stores.messages.commit([{ message: own, target: undefined }]);
      // After the commit's caller has heard of it: on a later turn.
      expect(woken).toBe(0);
      await waitFor('the listener called', () => woken > 0);
      const seen = woken;
      await stores.messages.setStatus(own.id, 'deleted', 'by a test');
      await waitFor('the listener called again', () => woken > seen);
      stop();
      const after = woken;
      await stores.messages.commit([{ message: sms(), target: undefined }]);
      await new Promise((r) => setTimeout(r, 20));
      expect(woken).toBe(after);
    });

    it('a follower reading while two handles write concurrently misses no change and sees none twice', async () => {
      const one = await h.open();
      const two = await h.peer(one);
      const reader = await h.peer(one);
      let writing = true;
      const seen: StatusChange[] = [];
      const following = (async () => {
        let cursor = 0;
        for (;;) {
          const done = !writing; // read once more after the writers finished
          const batch = await reader.stores.events.changesSince(cursor, 50);
          seen.push(...batch);
          if (batch.length > 0) cursor = batch.at(-1)!.seq;
          else if (done) return;
          else await new Promise((r) => setTimeout(r, 1));
        }
      })();
      const writes = [one, two].map(async (s, n) => {
        for (let i = 0; i < 20; i++) await Promise.all(Array.from({ length: 5 }, () => s.stores.messages.commit([toConnection(undefined, `c${n}`)])));
      });
      await Promise.all(writes);
      writing = false;
      await following;
      const log = await reader.stores.events.changesSince(0, 1000);
      expect(log).toHaveLength(200);
      expect(seen.map((c) => c.seq)).toEqual(log.map((c) => c.seq));
    });
  });
}
