// The callback reactor's rules, against a real local receiver: retries of a failing receiver, a final 4xx,
// one attempt for a receiver given up recently, and Kannel's mask choosing which changes are called.
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger, NewMessage, PluginApi, StatusChange } from '../../../core/index.ts';
import { Callbacks } from '../../../plugins/http/callbacks.ts';
import { receiver } from './curl.ts';

const quiet = { info() {}, warn() {}, error() {}, debug() {} } as unknown as Logger;
const api = { stores: { messages: { get: async () => undefined } } } as unknown as PluginApi;
let closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers) await c();
  closers = [];
});

const message = (url: string, kannelMask?: number): NewMessage => ({
  direction: 'MT',
  kind: 'sms',
  from: '+15550001111',
  to: '+447700900123',
  parts: [],
  meta: { http: { callbackUrl: url, ...(kannelMask !== undefined ? { kannelMask } : {}) } },
});

const change = (id: string, seq: number, status: StatusChange['status']): StatusChange => ({
  seq,
  messageId: id,
  status,
  at: new Date(),
  direction: 'MT',
  via: 'http',
});

describe('status callbacks', () => {
  it('tries a failing receiver callbackAttempts times, then once per call while it stays given up', async () => {
    const hook = await receiver(() => 503);
    closers.push(hook.close);
    const cb = new Callbacks(api, { timeoutMs: 2000, attempts: 3, backoffMs: () => 5 }, quiet);
    cb.submitted('m1', message(`${hook.url}/a`));
    cb.submitted('m2', message(`${hook.url}/b`));
    await cb.handle([change('m1', 1, 'queued')]);
    expect(hook.calls).toHaveLength(3);
    await cb.handle([change('m2', 2, 'queued')]);
    expect(hook.calls).toHaveLength(4);
    expect(cb.failures).toBe(2);
  });

  it('does not retry a 400, and calls only what a Kannel dlr-mask asks for, with its escapes', async () => {
    const hook = await receiver((r) => (r.url.startsWith('/bad') ? 400 : 200));
    closers.push(hook.close);
    const cb = new Callbacks(api, { timeoutMs: 2000, attempts: 3, backoffMs: () => 5 }, quiet);
    cb.submitted('m1', message(`${hook.url}/bad`));
    await cb.handle([change('m1', 1, 'sent')]);
    expect(hook.calls).toHaveLength(1);
    // 1 + 16: delivered and failed, not queued (4) or sent (8).
    cb.submitted('m2', message(`${hook.url}/dlr?type=%d&to=%p&from=%P`, 17));
    await cb.handle([change('m2', 2, 'queued'), change('m2', 3, 'sent'), change('m2', 4, 'delivered')]);
    expect(hook.calls.slice(1).map((c) => c.url)).toEqual(['/dlr?type=1&to=%2B447700900123&from=%2B15550001111']);
  });

  it('passes over changes of messages submitted elsewhere or without a callback', async () => {
    const hook = await receiver();
    closers.push(hook.close);
    const cb = new Callbacks(api, { timeoutMs: 2000, attempts: 1 }, quiet);
    cb.submitted('m1', { ...message(''), meta: {} });
    await cb.handle([change('m1', 1, 'sent'), { ...change('m9', 2, 'sent'), via: 'smtp' }, change('m3', 3, 'sent')]);
    expect(hook.calls).toHaveLength(0);
  });
});
