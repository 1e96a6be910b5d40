import { afterEach, describe, expect, it } from 'vitest';
import { retryDelayMs } from '../../core/dispatcher.ts';
import { resolveConfig } from '../../core/config.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { scriptedConnection } from '../helpers/scripted-connection.ts';
import { waitFor } from '../helpers/wait.ts';
import type { MessageStatus } from '../../core/types.ts';

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

const fastRetry = { retry: { maxAttempts: 3, firstDelaySeconds: 0.05, stepSeconds: 0.05, throttlePauseSeconds: 0.05 } };

async function waitForStatus(g: TestGateway, id: string, status: MessageStatus): Promise<void> {
  for (;;) {
    const s = await g.gateway.stores.messages.summary(id);
    if (s?.status === status) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

function mt(to: string, user = 'alice') {
  return {
    direction: 'MT' as const,
    kind: 'sms' as const,
    from: '+15550002222',
    to,
    user,
    via: 'test',
    parts: [{ contentType: 'text/plain; charset=utf-8', data: Buffer.from('hello') }],
  };
}

describe('retry schedule', () => {
  it("follows NowSMS's defaults: 30 s, 60 s, then +30 s", () => {
    const { retry } = resolveConfig({}, '/tmp');
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, retry) / 1000)).toEqual([30, 60, 90, 120]);
    expect(retry.maxAttempts).toBe(20);
  });
});

describe('dispatcher', () => {
  it('sends a queued message through the connection that carries it, and records it as sent', async () => {
    const { conn, plugin } = scriptedConnection('out', { anyTraffic: true });
    gw = await startTestGateway({ smtp: false, pop3: false, plugins: [plugin], config: fastRetry });
    const [a] = await gw.gateway.submit([mt('+15550001111')]);
    expect(a!.target).toEqual({ kind: 'connection', id: 'out' });
    await waitForStatus(gw, a!.id, 'sent');
    expect(conn.sends.map((s) => s.id)).toEqual([a!.id]);
    const history = (await gw.gateway.stores.messages.summary(a!.id))!.history.map((h) => h.status);
    expect(history).toEqual(['queued', 'sent']);
  });

  it('retries temporary failures and gives up after maxAttempts, keeping the reason', async () => {
    const { conn, plugin } = scriptedConnection('out', { anyTraffic: true });
    conn.script = ['temporary', 'temporary', 'temporary', 'temporary'];
    gw = await startTestGateway({ smtp: false, pop3: false, plugins: [plugin], config: fastRetry });
    const [a] = await gw.gateway.submit([mt('+15550001111')]);
    await waitForStatus(gw, a!.id, 'failed');
    expect(conn.sends.map((s) => s.attempts)).toEqual([0, 1, 2]);
    const s = (await gw.gateway.stores.messages.summary(a!.id))!;
    expect(s.history.at(-1)!.detail).toMatch(/gave up after 3 attempts/);
  });

  it('a temporary failure then success ends sent', async () => {
    const { conn, plugin } = scriptedConnection('out', { anyTraffic: true });
    conn.script = ['temporary'];
    gw = await startTestGateway({ smtp: false, pop3: false, plugins: [plugin], config: fastRetry });
    const [a] = await gw.gateway.submit([mt('+15550001111')]);
    await waitForStatus(gw, a!.id, 'sent');
    expect((await gw.gateway.stores.messages.summary(a!.id))!.history.map((h) => h.status)).toEqual(['queued', 'retrying', 'sent']);
  });

  it('a permanent failure is not retried', async () => {
    const { conn, plugin } = scriptedConnection('out', { anyTraffic: true });
    conn.script = ['permanent'];
    gw = await startTestGateway({ smtp: false, pop3: false, plugins: [plugin], config: fastRetry });
    const [a] = await gw.gateway.submit([mt('+15550001111')]);
    await waitForStatus(gw, a!.id, 'failed');
    expect(conn.sends).toHaveLength(1);
  });

  it('throttling pauses and retries without spending attempts', async () => {
    const { conn, plugin } = scriptedConnection('out', { anyTraffic: true, pauseMs: 30 });
    conn.script = ['throttled', 'throttled', 'throttled', 'throttled', 'throttled'];
    gw = await startTestGateway({ smtp: false, pop3: false, plugins: [plugin], config: fastRetry });
    const [a] = await gw.gateway.submit([mt('+15550001111')]);
    await waitForStatus(gw, a!.id, 'sent');
    // Five throttles with maxAttempts 3: had they counted, the message would have failed.
    expect(conn.sends).toHaveLength(6);
    expect(conn.sends.every((s) => s.attempts === 0)).toBe(true);
  });

  it('an MT with no route waits, visible, and leaves when a connection that carries it comes up', async () => {
    gw = await startTestGateway({ smtp: false, pop3: false, config: fastRetry });
    const [a] = await gw.gateway.submit([mt('+447700900123')]);
    expect(a!.target).toBeUndefined();
    expect((await gw.gateway.stores.messages.summary(a!.id))!.status).toBe('no-route');
    const dataDir = gw.dataDir;
    await gw.stop();
    const { conn, plugin } = scriptedConnection('uk', { recipients: ['+44*'] });
    gw = await startTestGateway({ smtp: false, pop3: false, plugins: [plugin], config: fastRetry, dataDir });
    await waitForStatus(gw, a!.id, 'sent');
    expect(conn.sends.map((s) => s.id)).toEqual([a!.id]);
  });

  it('a queue left by a stopped gateway is sent after restart', async () => {
    const first = scriptedConnection('out', { anyTraffic: true });
    first.conn.setState('down');
    gw = await startTestGateway({ smtp: false, pop3: false, plugins: [first.plugin], config: fastRetry });
    first.conn.setState('down');
    const accepted = await gw.gateway.submit([mt('+15550001111'), mt('+15550001112'), mt('+15550001113')].map((m) => m));
    const dataDir = gw.dataDir;
    await gw.stop();
    expect(first.conn.sends).toHaveLength(0);
    const second = scriptedConnection('out', { anyTraffic: true });
    gw = await startTestGateway({ smtp: false, pop3: false, plugins: [second.plugin], config: fastRetry, dataDir });
    for (const a of accepted) await waitForStatus(gw, a.id, 'sent');
    expect(second.conn.sends.map((s) => s.id).sort()).toEqual(accepted.map((a) => a.id).sort());
  });

  it('messages submitted while the queue has no backlog go to the connection from memory: each sent once, never leased again while sent', async () => {
    const { conn, plugin } = scriptedConnection('out', { anyTraffic: true, window: 4 });
    conn.script = ['ok', 'ok', 'temporary']; // one of them fails once and is retried from the store
    // Sends wait at a gate while it is shut: the messages stay in flight while the store is asked again.
    let shut = false;
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    let atGate = 0;
    const send = conn.send!.bind(conn);
    conn.send = async (entry, signal) => {
      atGate++;
      if (shut) await gate;
      return send(entry, signal);
    };
    gw = await startTestGateway({ smtp: false, pop3: false, plugins: [plugin], config: fastRetry });
    const queues = gw.gateway.stores.queues;
    const leased: string[] = [];
    let leases = 0;
    const lease = queues.lease.bind(queues);
    queues.lease = async (...args) => {
      const entries = await lease(...args);
      leased.push(...entries.map((e) => e.messageId));
      leases++;
      return entries;
    };
    // A gateway that has run a while: its dispatcher has looked in the store and found no backlog.
    const [first] = await gw.gateway.submit([mt('+15550009999')]);
    await waitForStatus(gw, first!.id, 'sent');
    conn.sends.length = 0;
    shut = true;
    // Three at once, handed over and held in flight; meanwhile the dispatcher looks in the store again (as
    // another process's commit makes it do).
    const held = await gw.gateway.submit([mt('+15550001000'), mt('+15550001001'), mt('+15550001002')]);
    await waitFor('the three in flight', () => atGate === 4);
    const before = leases;
    gw.gateway.kick('out');
    await waitFor('a lease while they are in flight', () => leases > before);
    open();
    // Then bursts of submissions at once: some find the window full and are leased as before.
    const burst = (
      await Promise.all(Array.from({ length: 30 }, (_, i) => gw!.gateway.submit(Array.from({ length: 1 + (i % 3) }, (_, j) => mt(`+1555000${i}${j}`)))))
    ).flat();
    const accepted = [...held, ...burst];
    for (const a of accepted) await waitForStatus(gw, a.id, 'sent');
    const sent = conn.sends.map((s) => s.id);
    // Each once, the retried one twice: no message both handed over and leased.
    expect(sent.length).toBe(accepted.length + 1);
    expect(new Set(sent)).toEqual(new Set(accepted.map((a) => a.id)));
    const handed = accepted.filter((a) => !leased.includes(a.id));
    expect(handed.length).toBeGreaterThan(0);
    for (const a of handed) expect((await gw.gateway.stores.messages.summary(a.id))!.history.map((h) => h.status)).toEqual(['queued', 'sent']);
  });
});
