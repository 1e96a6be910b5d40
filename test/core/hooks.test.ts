import { describe, expect, it } from 'vitest';
import { FirstResultHook, ParallelHook, SeriesHook, WaterfallHook } from '../../core/hooks.ts';
import { isNowsmsError } from '../../core/errors.ts';

describe('hooks', () => {
  it('first-result stops at the first answer, in tap order', async () => {
    const h = new FirstResultHook<[number], string>('route');
    const calls: string[] = [];
    h.tap('a', () => void calls.push('a'));
    h.tap('b', (n) => (calls.push('b'), `b${n}`));
    h.tap('c', () => (calls.push('c'), 'c'));
    expect(await h.call(7)).toBe('b7');
    expect(calls).toEqual(['a', 'b']);
  });

  it('waterfall passes each result on', async () => {
    const h = new WaterfallHook<string>('normalize');
    h.tap('a', (s) => s + 'a');
    h.tap('b', async (s) => s + 'b');
    expect(await h.call('x')).toBe('xab');
  });

  it('a handler that does not answer in time becomes a temporary failure, not a hang', async () => {
    const h = new SeriesHook<[]>('slow');
    h.timeoutMs = 30;
    h.tap('sleepy', () => new Promise(() => {}));
    const err = await h.call().catch((e: unknown) => e);
    expect(isNowsmsError(err, 'NOWSMS_ERR_HOOK_TIMEOUT')).toBe(true);
    expect((err as { temporary: boolean }).temporary).toBe(true);
    expect(String(err)).toMatch(/sleepy/);
  });

  it('a failing parallel handler disturbs neither the others nor the caller', async () => {
    const h = new ParallelHook<[string]>('sent');
    const seen: string[] = [];
    h.tap('bad', () => {
      throw new Error('boom');
    });
    h.tap('good', (s) => void seen.push(s));
    await expect(h.call('m1')).resolves.toBeUndefined();
    expect(seen).toEqual(['m1']);
  });

  it('refuses taps once frozen', () => {
    const h = new SeriesHook<[]>('x');
    h.freeze();
    expect(() => h.tap('late', () => {})).toThrow(/after the gateway started/);
  });
});
