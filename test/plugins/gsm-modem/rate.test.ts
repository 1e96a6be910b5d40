// sendsPerMinute on a fake clock: the spacing is exact and no real time passes.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RateGate } from '../../../plugins/gsm-modem/rate.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('RateGate', () => {
  it('spaces sends evenly: 120 a minute is one every 500 ms', async () => {
    const gate = new RateGate(120);
    const done: number[] = [];
    const start = Date.now();
    for (let i = 0; i < 3; i++) void gate.wait().then(() => done.push(Date.now() - start));
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toEqual([0]);
    await vi.advanceTimersByTimeAsync(499);
    expect(done).toEqual([0]);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toEqual([0, 500]);
    await vi.advanceTimersByTimeAsync(500);
    expect(done).toEqual([0, 500, 1000]);
  });

  it('does not hold back anything when no rate is set, and lets a stop cut a wait short', async () => {
    const free = new RateGate(undefined);
    await expect(free.wait()).resolves.toBeUndefined();
    const slow = new RateGate(1);
    await slow.wait();
    const abort = new AbortController();
    let released = false;
    void slow.wait(abort.signal).then(() => (released = true));
    await vi.advanceTimersByTimeAsync(1000);
    expect(released).toBe(false);
    abort.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(released).toBe(true);
  });
});
