// Fuzzing the WAP push parser: random octets and mutations (overwrite, insert, delete, truncate) of real
// pushes, with a fixed-seed PRNG so that any failing case can be replayed from its number. Shared by the
// test (a few thousand cases) and bench/fuzz-wap-push.ts (100k and more).
import { isWapPushError, parseWapPush } from '../../../plugins/gprs-mms/push/index.ts';
import { capturedPush, mmsPush, notification, siPush } from './push-pdus.ts';

/** mulberry32: small, fast, and the same sequence everywhere for a given seed. */
export function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Real pushes to mutate: captured ones (python-messaging, nuntium), and hand-built MMS and SI pushes. */
export function fuzzSeeds(): Buffer[] {
  return [
    capturedPush('pm-wap-notification-1').push,
    capturedPush('pm-wap-notification-2').push,
    capturedPush('nuntium-m-notification.ind_success').push,
    mmsPush(notification('pm-wap-notification-2')),
    siPush(),
  ];
}

export interface FuzzResult {
  cases: number;
  parsed: number;
  refused: number;
}

/**
 * Runs `cases` inputs through parseWapPush. Throws, naming the case and its bytes, when the parser throws
 * anything but a WapPushError, names an offset outside the input, or returns a body that is not the
 * input's tail.
 */
export function fuzzWapPush(opts: { seed: number; cases: number; seeds?: Buffer[] }): FuzzResult {
  const rnd = prng(opts.seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const seeds = opts.seeds ?? fuzzSeeds();
  const result: FuzzResult = { cases: opts.cases, parsed: 0, refused: 0 };
  for (let i = 0; i < opts.cases; i++) {
    let data: Buffer;
    if (i % 5 === 0) data = Buffer.from(Array.from({ length: int(64) }, () => int(256)));
    else {
      data = Buffer.from(seeds[int(seeds.length)]!);
      for (let m = 1 + int(4); m > 0; m--) {
        // Mostly near the front, where the push's own fields are; the body is not the parser's business.
        const at = int(Math.min(data.length, 48) + 1);
        const op = int(4);
        if (op === 0 && data.length) data[Math.min(at, data.length - 1)] = int(256);
        else if (op === 1) data = Buffer.concat([data.subarray(0, at), Buffer.from([int(256)]), data.subarray(at)]);
        else if (op === 2) data = Buffer.concat([data.subarray(0, at), data.subarray(at + 1 + int(3))]);
        else data = data.subarray(0, at + int(data.length - at + 1));
      }
    }
    const fail = (why: string) => new Error(`fuzz case ${i} (seed ${opts.seed}) ${data.toString('hex')}: ${why}`);
    try {
      const p = parseWapPush(data);
      if (p.body.length > data.length || !data.subarray(data.length - p.body.length).equals(p.body)) throw fail('the body is not the tail of the input');
      result.parsed++;
    } catch (e) {
      if (!isWapPushError(e)) throw e instanceof Error && e.message.startsWith('fuzz case') ? e : fail(`threw ${String(e)}`);
      if (e.offset < 0 || e.offset > data.length) throw fail(`offset ${e.offset} outside the input`);
      result.refused++;
    }
  }
  return result;
}
