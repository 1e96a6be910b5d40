// Holders: which node runs an outbound connection, on two handles of one real store. The connections are
// recorders of their starts and stops; what is checked is the rule a cluster lives by: never two runners.
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { Holders, type Holdable } from '../../core/holders.ts';
import { newLeaseHolder } from '../../core/lease-holder.ts';
import { silentLogger } from '../../core/log.ts';
import type { LeaseStore } from '../../core/types.ts';
import { sqliteFactory } from '../store-contract/sqlite.ts';
import type { StoreHandle } from '../store-contract/factory.ts';
import { sms } from '../store-contract/fixtures.ts';
import { waitFor } from '../helpers/wait.ts';

const TTL = 600;

function recorder(id: string, opts: { failStart?: boolean } = {}) {
  const c = {
    id,
    running: false,
    starts: 0,
    async start() {
      c.starts++;
      if (opts.failStart) throw new Error('no modem on this node');
      c.running = true;
    },
    async stop() {
      c.running = false;
    },
  } satisfies Holdable & Record<string, unknown>;
  return c;
}

const open: { holders: Holders[]; handles: StoreHandle[] } = { holders: [], handles: [] };
afterEach(async () => {
  for (const h of open.holders.splice(0)) await h.stop();
  for (const h of open.handles.splice(0).reverse()) await h.close();
});

async function twoNodes() {
  const one = await sqliteFactory.open();
  const two = await one.peer!();
  open.handles.push(one, two);
  return [one, two] as const;
}

function holders(
  store: StoreHandle,
  node: string,
  conns: Holdable[],
  leases: LeaseStore = store.stores.leases,
  opts: { holder?: string; ttlMs?: number } = {},
): Holders {
  const h = new Holders(
    { leases, queues: store.stores.queues, node, holder: opts.holder ?? newLeaseHolder(), ttlMs: opts.ttlMs ?? TTL, log: silentLogger() },
    conns,
  );
  open.holders.push(h);
  return h;
}

/** As a killed process: renews nothing more, hands nothing back. */
function kill(h: Holders): void {
  const inside = h as unknown as { running: boolean; timer: NodeJS.Timeout | undefined };
  inside.running = false;
  clearTimeout(inside.timer);
}

describe('holders', () => {
  it('one node runs a connection; when it stops, the other takes it over', async () => {
    const [one, two] = await twoNodes();
    const a = recorder('smsc');
    const b = recorder('smsc');
    const onA = holders(one, 'node-a', [a]);
    await onA.start();
    const onB = holders(two, 'node-b', [b]);
    await onB.start();
    expect([a.running, b.running]).toEqual([true, false]);
    expect([onA.holds('smsc'), onB.holds('smsc')]).toEqual([true, false]);

    await onA.stop();
    expect(a.running).toBe(false);
    await waitFor('node B running the connection', () => b.running);
    expect(onB.holds('smsc')).toBe(true);
  });

  it('the new holder hands back the queue entries the old one had leased', async () => {
    const [one, two] = await twoNodes();
    const m = sms();
    await one.stores.messages.commit([{ message: m, target: { kind: 'connection', id: 'smsc' } }]);
    expect(await one.stores.queues.lease('smsc', new Date(Date.now() + 3_600_000), 10)).toHaveLength(1);
    const onA = holders(one, 'node-a', [recorder('smsc')]);
    await onA.start();
    // Node A dies holding the entry: its hold runs out, node B takes the connection and the entry with it.
    const b = recorder('smsc');
    const onB = holders(two, 'node-b', [b]);
    await onB.start();
    expect(b.running).toBe(false);
    kill(onA); // stops renewing, as a killed process does
    await waitFor('node B running the connection', () => b.running);
    expect((await two.stores.queues.lease('smsc', new Date(Date.now() + 60_000), 10)).map((e) => e.messageId)).toEqual([m.id]);
  });

  it('a holder that cannot reach the store stops the connection before its hold can run out', async () => {
    const [one, two] = await twoNodes();
    let storeUp = true;
    const flaky: LeaseStore = {
      take: (...a) => (storeUp ? one.stores.leases.take(...a) : Promise.reject(new Error('database unreachable'))),
      release: (...a) => (storeUp ? one.stores.leases.release(...a) : Promise.reject(new Error('database unreachable'))),
      list: () => one.stores.leases.list(),
    };
    const a = recorder('smsc');
    const b = recorder('smsc');
    await holders(one, 'node-a', [a], flaky).start();
    await holders(two, 'node-b', [b]).start();
    expect(a.running).toBe(true);
    storeUp = false;
    // Never both running: node A stops first, then node B starts once A's hold has run out.
    let overlap = false;
    await waitFor('node B running the connection', () => {
      if (a.running && b.running) overlap = true;
      return b.running;
    });
    expect(overlap).toBe(false);
    expect(a.running).toBe(false);
  });

  it('a connection that does not start here is handed to a node where it does', async () => {
    const [one, two] = await twoNodes();
    const onA = holders(one, 'node-a', [recorder('modem1')]);
    await onA.start();
    const broken = recorder('modem1', { failStart: true });
    const onB = holders(two, 'node-b', [broken]);
    await onB.start();
    await onA.stop();
    // Node B takes it, fails to start it, hands it back; node A (restarted) takes it again.
    await waitFor('node B trying the connection', () => broken.starts > 0);
    const again = recorder('modem1');
    await holders(one, 'node-a', [again])
      .start()
      .catch(() => undefined);
    await waitFor('node A running it again', () => again.running);
    expect(broken.running).toBe(false);
  });

  it("a connection that fails to start at the gateway's start fails the start", async () => {
    const [one] = await twoNodes();
    await expect(holders(one, 'node-a', [recorder('modem1', { failStart: true })]).start()).rejects.toThrow(/no modem/);
    expect(await one.stores.leases.list()).toEqual([expect.objectContaining({ name: 'node:node-a' })]);
  });

  it('a second process started with the node id of a running one refuses to start, and takes nothing from it', async () => {
    const [one, two] = await twoNodes();
    const a = recorder('smsc');
    const first = holders(one, 'node-a', [a]);
    await first.start();
    const b = recorder('smsc');
    await expect(holders(two, 'node-a', [b]).start()).rejects.toMatchObject({
      code: 'NOWSMS_ERR_CONFIG',
      message: expect.stringMatching(/another gateway is running as node node-a .*give each node its own nodeId/),
    });
    expect([a.running, b.starts]).toEqual([true, 0]);
    expect(first.holds('smsc')).toBe(true);
  });

  it('restarted after a kill -9 on this machine, a node takes its heartbeat and connections back at once', async () => {
    const [one, two] = await twoNodes();
    // The killed process: a name of this machine's whose pid no longer runs.
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    const dead = newLeaseHolder().replace(/ pid \d+ /, ` pid ${gone} `);
    const a = recorder('smsc');
    const killed = holders(one, 'node-a', [a], undefined, { holder: dead, ttlMs: 3_600_000 });
    await killed.start();
    kill(killed);
    const b = recorder('smsc');
    // Its leases run for an hour: only knowing that their holder died lets the restart take them now.
    await holders(two, 'node-a', [b], undefined, { ttlMs: 3_600_000 }).start();
    expect(b.running).toBe(true);
    expect((await two.stores.leases.list()).map((l) => l.holder === dead)).toEqual([false, false]);
  });

  it('a predecessor on another machine is waited out: its heartbeat unrenewed, the node starts once it runs out', async () => {
    const [one, two] = await twoNodes();
    const elsewhere = 'other-host pid 4242 boot 0123456789ab ns 4026531836 #0badc0de';
    const a = recorder('smsc');
    const killed = holders(one, 'node-a', [a], undefined, { holder: elsewhere });
    await killed.start();
    kill(killed);
    const b = recorder('smsc');
    await holders(two, 'node-a', [b]).start();
    expect(b.running).toBe(true);
    expect((await two.stores.leases.list()).map((l) => l.name)).toEqual(['connection:smsc', 'node:node-a']);
  });
});
