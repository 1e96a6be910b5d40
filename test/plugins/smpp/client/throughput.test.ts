// The throughput limit, checked by counting (never by the clock): an SMSC that throttles above N msg/s
// refuses nothing when the connection is limited below N, and when it is not limited every refused
// submit is paused and retried without spending attempts: nothing is lost or failed.
import { afterEach, describe, expect, it } from 'vitest';
import { FAST_RETRY, startHarness, waitFor, type Harness } from './harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function sendAll(h: Harness, n: number): Promise<void> {
  for (let i = 0; i < n; i++) expect(await h.mail('+447700900500', `burst ${i}`)).toMatch(/^250/);
}

async function statuses(h: Harness): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const m of await h.gw.gateway.stores.messages.list({ user: 'alice' })) out[m.status] = (out[m.status] ?? 0) + 1;
  return out;
}

describe('throughput', () => {
  it('limited below the SMSC rate: no submit is throttled', async () => {
    h = await startHarness({ sim: { throttlePerSecond: 10 }, client: { throughput: 8, window: 10 } });
    await sendAll(h, 20);
    await waitFor('all sent', async () => (await statuses(h!)).sent === 20);
    expect(h.sim.submits.filter((s) => s.status === 0x58)).toHaveLength(0);
    expect(new Set(h.sim.messages().map((m) => m.text)).size).toBe(20);
  });

  it('unlimited against a throttling SMSC: refused submits wait and go, none lost, none failed', async () => {
    h = await startHarness({
      sim: { throttlePerSecond: 5 },
      client: { window: 10 },
      gateway: { config: { retry: { ...FAST_RETRY, maxAttempts: 1 } } },
    });
    await sendAll(h, 20);
    await waitFor('all sent', async () => (await statuses(h!)).sent === 20, 30_000);
    expect(await statuses(h)).toEqual({ sent: 20 });
    expect(h.sim.submits.filter((s) => s.status === 0x58).length).toBeGreaterThan(0);
    expect(h.status().counters.throttledResponses).toBe(h.sim.submits.filter((s) => s.status === 0x58).length);
    expect(new Set(h.sim.messages().map((m) => m.text)).size).toBe(20);
  });

  it('the window bounds the submits awaiting a response', async () => {
    h = await startHarness({ client: { window: 3, responseTimeoutSeconds: 5 } });
    // Leave every response out for a while: only `window` submits may be outstanding.
    h.sim.failNextSubmits(...Array.from({ length: 50 }, () => 'ignore' as const));
    for (let i = 0; i < 6; i++) await h.mail('+447700900501', `windowed ${i}`);
    await waitFor('a full window', () => h!.sim.submits.length === 3);
    await new Promise((r) => setTimeout(r, 300));
    expect(h.sim.submits).toHaveLength(3);
    expect(h.status().counters.inflight).toBe(3);
  });
});
