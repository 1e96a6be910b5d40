// Deterministic fuzz inputs for the MMS codec: random octets and mutations of the shared vectors, from a
// seeded PRNG so a failure names a case that can be replayed. Shared by the test and bench/mms-fuzz.ts.

/** mulberry32: small, fast, and the same sequence on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The n-th fuzz case of a seed: random octets (often behind 0x8C) or a mutated sample. */
export function fuzzCase(rand: () => number, samples: readonly Buffer[]): Buffer {
  const int = (n: number) => Math.floor(rand() * n);
  if (rand() < 0.3 || samples.length === 0) {
    const out = Buffer.alloc(int(160));
    for (let i = 0; i < out.length; i++) out[i] = rand() < 0.3 ? [0x00, 0x1f, 0x7f, 0x80, 0xff, 0x22][int(6)]! : int(256);
    if (out.length > 1 && rand() < 0.7) {
      out[0] = 0x8c;
      out[1] = 0x80 + int(26);
    }
    return out;
  }
  const base = samples[int(samples.length)]!;
  let out = Buffer.from(base);
  const edits = 1 + int(6);
  for (let e = 0; e < edits && out.length > 0; e++) {
    const at = int(out.length);
    switch (int(6)) {
      case 0: // flip a bit
        out[at] = out[at]! ^ (1 << int(8));
        break;
      case 1: // an interesting octet: a length, a quote, a NUL, a uintvar continuation
        out[at] = [0x00, 0x1e, 0x1f, 0x7f, 0x80, 0x81, 0xff, 0x8c][int(8)]!;
        break;
      case 2: // truncate
        out = out.subarray(0, at);
        break;
      case 3: // insert a huge length
        out = Buffer.concat([out.subarray(0, at), Buffer.from([0x1f, 0x8f, 0xff, 0xff, 0xff, 0x7f]), out.subarray(at)]);
        break;
      case 4: // drop octets
        out = Buffer.concat([out.subarray(0, at), out.subarray(Math.min(out.length, at + 1 + int(8)))]);
        break;
      default: // duplicate a slice
        out = Buffer.concat([out.subarray(0, at), out.subarray(at, at + int(32)), out.subarray(at)]);
    }
  }
  return out;
}
