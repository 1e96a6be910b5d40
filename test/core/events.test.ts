// Following the event log: the tail wakes at once for this process's commits, finds other processes'
// commits by polling, and a durable reactor resumes from its saved cursor and is handed a failed batch again.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Follower, type Reactor } from '../../core/events.ts';
import { newMessageId, type EventLog, type StatusChange } from '../../core/index.ts';
import { silentLogger } from '../../core/log.ts';
import { openSqliteStore, type SqliteStore } from '../../plugins/store-sqlite/index.ts';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function store(file?: string): Promise<SqliteStore> {
  const f = file ?? path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'nowsms-events-')), 'nowsms.db');
  const s = await openSqliteStore(f);
  cleanup.push(() => s.close());
  return s;
}

async function follow(s: SqliteStore | EventLog, reactors: Reactor[], pollMs: number): Promise<Follower> {
  const f = new Follower('events' in s ? s.events : s, silentLogger(), { pollMs });
  for (const r of reactors) f.add(r);
  await f.place();
  f.start();
  cleanup.push(() => f.stop());
  return f;
}

/** A reactor that records what it is handed, and lets a test wait for it. */
function recorder(name: string, durable = false) {
  const seen: StatusChange[] = [];
  let waiters: (() => void)[] = [];
  const reactor: Reactor & { fail?: number } = {
    name,
    durable,
    handle(changes) {
      if (reactor.fail && reactor.fail-- > 0) throw new Error('not now');
      seen.push(...changes);
      for (const w of waiters.splice(0)) w();
    },
  };
  const until = async (ok: () => boolean, what: string) => {
    const deadline = Date.now() + 10_000;
    while (!ok()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; seen ${seen.map((c) => c.status).join(',')}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 50);
      });
    }
    waiters = [];
  };
  return { reactor, seen, until, ids: () => seen.map((c) => c.messageId) };
}

async function commitOne(s: SqliteStore, user?: string): Promise<string> {
  const id = newMessageId();
  await s.messages.commit([
    {
      message: { id, direction: 'MO', kind: 'sms', from: '+15550001111', to: '+15550002222', parts: [], receivedAt: new Date(), meta: {} },
      target: user ? { kind: 'mailbox', user } : undefined,
    },
  ]);
  return id;
}

const HOUR = 3_600_000;

describe('event log follower', () => {
  it("hands over this process's commits without waiting for a poll (the poll is an hour away)", async () => {
    const s = await store();
    const before = await commitOne(s);
    const r = recorder('watcher');
    await follow(s, [r.reactor], HOUR);
    const ids = [await commitOne(s, 'bob'), await commitOne(s)];
    await r.until(() => r.seen.length === 2, 'both changes');
    // A reactor that is not durable starts at the newest change: what came before is not its business.
    expect(r.ids()).toEqual(ids);
    expect(r.ids()).not.toContain(before);
    expect(r.seen[0]!.target).toEqual({ kind: 'mailbox', user: 'bob' });
  });

  it("takes the changes this process's commits tell as read, and reads the log when another process's came between", async () => {
    const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'nowsms-events-')), 'nowsms.db');
    const s = await store(file);
    const other = await store(file);
    let reads = 0;
    const counted = { ...s.events, changesSince: (cursor: number, limit: number) => (reads++, s.events.changesSince(cursor, limit)) };
    const r = recorder('watcher');
    await follow(counted, [r.reactor], HOUR);
    await r.until(() => reads === 1, 'the first read, at start');
    const own = [await commitOne(s, 'bob'), await commitOne(s)];
    await r.until(() => r.seen.length === 2, 'the two changes');
    expect(reads).toBe(1);
    // Another process's commit is not announced here; this one's next commit then follows a gap: read.
    const foreign = await commitOne(other);
    const after = await commitOne(s);
    await r.until(() => r.seen.length === 4, 'the foreign change and the next own one');
    expect(reads).toBe(2);
    expect(r.ids()).toEqual([...own, foreign, after]);
    expect(r.seen.map((c) => c.seq)).toEqual((await s.events.changesSince(0, 10)).map((c) => c.seq));
  });

  it('takes commits told out of order (a later one heard first) without reading; reads once a gap stays open', async () => {
    const s = await store();
    // The store's own telling, held back by the test, which tells the follower in the order it chooses.
    const told: StatusChange[][] = [];
    s.events.onAppend((changes) => told.push([...(changes ?? [])]));
    let tell: (changes?: readonly StatusChange[]) => void = () => undefined;
    let reads = 0;
    const events = {
      ...s.events,
      changesSince: (cursor: number, limit: number) => (reads++, s.events.changesSince(cursor, limit)),
      onAppend: (listener: typeof tell) => ((tell = listener), () => undefined),
    };
    const r = recorder('watcher');
    await follow(events, [r.reactor], HOUR);
    await r.until(() => reads === 1, 'the first read, at start');
    const [a, b] = [await commitOne(s), await commitOne(s)];
    await r.until(() => told.length === 2, 'the store to tell both commits');
    tell(told[1]);
    tell(told[0]);
    await r.until(() => r.seen.length === 2, 'both changes');
    expect(r.ids()).toEqual([a, b]);
    // The commit before c is never told: after a short wait, the log is read, and c comes once.
    const [lost, c] = [await commitOne(s), await commitOne(s)];
    await r.until(() => told.length === 4, 'the store to tell both commits');
    tell(told[3]);
    await r.until(() => r.seen.length === 4, 'the gap read');
    tell(told[2]); // told too late: read already
    tell(told[3]);
    const d = await commitOne(s);
    await r.until(() => told.length === 5, 'the store to tell the next commit');
    tell(told[4]);
    await r.until(() => r.seen.length === 5, 'the next change');
    expect(r.ids()).toEqual([a, b, lost, c, d]);
    expect(reads).toBe(2);
  });

  it('finds a change another process committed to the same file, by polling', async () => {
    const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'nowsms-events-')), 'nowsms.db');
    const gateway = await store(file);
    // Its own connections and its own writer queue: to SQLite and to the follower, another process.
    const cli = await store(file);
    const r = recorder('watcher');
    await follow(gateway, [r.reactor], 20);
    const id = await commitOne(cli, 'bob');
    await r.until(() => r.seen.length === 1, "the other process's change");
    expect(r.seen[0]).toMatchObject({ messageId: id, status: 'in-mailbox', target: { kind: 'mailbox', user: 'bob' } });
  });

  it('a durable reactor resumes from its saved cursor: what it missed while stopped, exactly once', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'nowsms-events-'));
    const file = path.join(dir, 'nowsms.db');
    const s = await store(file);
    const first = recorder('receipts', true);
    const f1 = await follow(s, [first.reactor], HOUR);
    const handled = await commitOne(s);
    await first.until(() => first.seen.length === 1, 'the first change');
    await f1.stop();
    // Committed while no gateway followed the log.
    const missed = [await commitOne(s), await commitOne(s)];
    const second = recorder('receipts', true);
    await follow(s, [second.reactor], HOUR);
    await second.until(() => second.seen.length === 2, 'the missed changes');
    expect(second.ids()).toEqual(missed);
    expect(second.ids()).not.toContain(handled);
  });

  it('a reactor whose handler throws is handed the same changes again, and the others go on', async () => {
    const s = await store();
    const flaky = recorder('flaky', true);
    flaky.reactor.fail = 2;
    const steady = recorder('steady');
    await follow(s, [flaky.reactor, steady.reactor], HOUR);
    const ids = [await commitOne(s), await commitOne(s)];
    await steady.until(() => steady.seen.length === 2, 'the steady reactor');
    await flaky.until(() => flaky.seen.length === 2, 'the flaky reactor, after its failures');
    expect(flaky.ids()).toEqual(ids);
    expect(steady.ids()).toEqual(ids);
  });

  it('a reactor too slow to keep up reads from the store instead, and still gets every change once, in order', async () => {
    const s = await store();
    const r = recorder('slow');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const handle = r.reactor.handle.bind(r.reactor);
    r.reactor.handle = async (changes) => {
      await gate;
      return handle(changes);
    };
    await follow(s, [r.reactor], HOUR);
    const ids: string[] = [];
    for (let n = 0; n < 6; n++) {
      const batch = Array.from({ length: 600 }, () => newMessageId());
      ids.push(...batch);
      await s.messages.commit(
        batch.map((id) => ({
          message: { id, direction: 'MO' as const, kind: 'sms' as const, from: '+1', to: '+2', parts: [], receivedAt: new Date(), meta: {} },
          target: undefined,
        })),
      );
    }
    release();
    await r.until(() => r.seen.length >= ids.length, 'every change');
    expect(r.ids()).toEqual(ids);
  });
});
