// Inputs made from real ones: a seed (a vector, a fixture) with a few edits, or plain random octets. The
// edits are those that find length bugs: a flipped bit, an interesting octet (a length, a quote, a NUL, a
// uintvar continuation), a truncation, an insertion, a deletion, a run copied from another seed.
import fc from 'fast-check';

const INTERESTING = [0x00, 0x01, 0x1e, 0x1f, 0x20, 0x22, 0x7f, 0x80, 0x81, 0xfe, 0xff];

type Edit =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'splice'; at: number; seed: number; from: number; count: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.oneof(fc.constantFrom(...INTERESTING), fc.integer({ min: 0, max: 255 })) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), seed: fc.nat(), from: fc.nat(), count: fc.integer({ min: 1, max: 32 }) }),
);

function apply(seeds: readonly Buffer[], base: Buffer, edits: readonly Edit[]): Buffer {
  let out = Buffer.from(base);
  for (const e of edits) {
    const at = out.length ? e.at % (out.length + 1) : 0;
    switch (e.kind) {
      case 'flip':
        if (at < out.length) out[at] = out[at]! ^ (1 << e.bit);
        break;
      case 'set':
        if (at < out.length) out[at] = e.value;
        break;
      case 'truncate':
        out = out.subarray(0, at);
        break;
      case 'insert':
        out = Buffer.concat([out.subarray(0, at), e.bytes, out.subarray(at)]);
        break;
      case 'delete':
        out = Buffer.concat([out.subarray(0, at), out.subarray(at + e.count)]);
        break;
      case 'splice': {
        const other = seeds[e.seed % seeds.length]!;
        const from = other.length ? e.from % other.length : 0;
        out = Buffer.concat([out.subarray(0, at), other.subarray(from, from + e.count), out.subarray(at)]);
        break;
      }
    }
  }
  return out;
}

/** A seed with one to six edits (three times in four), or random octets up to `maxRandom`. */
export function mutatedBytes(seeds: readonly Buffer[], maxRandom = 256): fc.Arbitrary<Buffer> {
  if (seeds.length === 0) throw new Error('mutatedBytes needs at least one seed');
  const random = fc.uint8Array({ maxLength: maxRandom }).map((b) => Buffer.from(b));
  const mutated = fc
    .tuple(fc.nat({ max: seeds.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 6 }))
    .map(([i, edits]) => apply(seeds, seeds[i]!, edits));
  return fc.oneof({ arbitrary: random, weight: 1 }, { arbitrary: mutated, weight: 3 });
}

/** The same for text inputs (a receipt, a MIME message, an AT transcript): the edits work on its UTF-8 octets. */
export function mutatedText(seeds: readonly string[], maxRandom = 256): fc.Arbitrary<string> {
  return mutatedBytes(
    seeds.map((s) => Buffer.from(s, 'utf8')),
    maxRandom,
  ).map((b) => b.toString('utf8'));
}

/** Cut points to split an input into chunks as a socket or serial line delivers it. */
export const chunking = fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 16 });

export function chunksOf(data: Buffer, sizes: readonly number[]): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  for (let i = 0; at < data.length; i++) {
    const n = sizes[i % sizes.length]!;
    out.push(data.subarray(at, at + n));
    at += n;
  }
  return out;
}
