// Large mails are committed one after another: in arrival order, and a failed commit does not stop the next.
import { describe, expect, it } from 'vitest';
import { OneAtATime } from '../../../plugins/smtp/in-flight.ts';

describe('OneAtATime', () => {
  it('runs the next only when the previous has settled, failed or not', async () => {
    const gate = new OneAtATime();
    const log: string[] = [];
    let release!: () => void;
    const first = gate.run(async () => {
      log.push('first starts');
      await new Promise<void>((r) => (release = r));
      log.push('first ends');
      throw new Error('store full');
    });
    const second = gate.run(async () => {
      log.push('second runs');
      return 2;
    });
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['first starts']);
    release();
    await expect(first).rejects.toThrow('store full');
    await expect(second).resolves.toBe(2);
    expect(log).toEqual(['first starts', 'first ends', 'second runs']);
  });
});
