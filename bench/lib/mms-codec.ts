// The binary MMS codec's throughput on a 300 KB m-retrieve-conf with 5 parts, against plainly copying the
// same octets (Buffer.from) in the same process: the memory-speed yardstick. Decoding slices parts
// rather than copying them, so it should beat half the copy rate; encoding concatenates once (a quarter).
import { randomBytes } from 'node:crypto';
import { decodeMms, encodeMms, type MmsPdu } from '../../core/codecs/mms/index.ts';

export const DECODE_TARGET = 0.5;
export const ENCODE_TARGET = 0.25;

export interface CodecFigures {
  pduBytes: number;
  parts: number;
  copyMBps: number;
  decodeMBps: number;
  encodeMBps: number;
  decodeRatio: number;
  encodeRatio: number;
  targets: { decode: number; encode: number };
}

export function retrieveConf300k(): MmsPdu {
  const smil = Buffer.from('<smil><body><par><img src="cid:a"/><img src="cid:b"/><img src="cid:c"/><text src="cid:t"/></par></body></smil>');
  const image = (n: number) => randomBytes(n);
  return {
    messageType: 'm-retrieve-conf',
    transactionId: 'bench-1',
    mmsVersion: '1.2',
    messageId: 'bench-msg-1@mmsc',
    date: new Date('2026-12-07T00:00:00Z'),
    from: { address: '+447700900123', type: 'PLMN', raw: '+447700900123/TYPE=PLMN' },
    to: [{ address: '+447700900555', type: 'PLMN', raw: '+447700900555/TYPE=PLMN' }],
    subject: 'Three photos',
    parts: [
      { contentType: 'application/smil', contentId: 'smil', name: 'smil.smil', data: smil },
      { contentType: 'image/jpeg', contentId: 'a', name: 'a.jpg', data: image(100_000) },
      { contentType: 'image/jpeg', contentId: 'b', name: 'b.jpg', data: image(100_000) },
      { contentType: 'image/png', contentId: 'c', name: 'c.png', data: image(99_000) },
      { contentType: 'text/plain; charset=utf-8', contentId: 't', name: 't.txt', data: Buffer.from('Greetings from the coast') },
    ],
  };
}

/** Runs each operation for about `ms` per round, `rounds` rounds interleaved; the median rate of each. */
export function codecFigures(opts: { rounds?: number; ms?: number } = {}): CodecFigures {
  const rounds = opts.rounds ?? 9;
  const ms = opts.ms ?? 300;
  const pdu = retrieveConf300k();
  const bytes = encodeMms(pdu);
  const decoded = decodeMms(bytes);
  let sink = 0; // keeps the work observable so it is not optimised away
  const rate = (op: () => void): number => {
    const t0 = performance.now();
    let n = 0;
    while (performance.now() - t0 < ms) {
      op();
      n++;
    }
    return (n * bytes.length) / 1e6 / ((performance.now() - t0) / 1000);
  };
  const runs = { copy: [] as number[], decode: [] as number[], encode: [] as number[] };
  for (let r = 0; r < rounds; r++) {
    runs.copy.push(rate(() => (sink += Buffer.from(bytes).length)));
    runs.decode.push(rate(() => (sink += decodeMms(bytes).parts!.length)));
    runs.encode.push(rate(() => (sink += encodeMms(decoded).length)));
  }
  if (sink === 0) throw new Error('unreachable');
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const round = (x: number, d = 0) => Number(x.toFixed(d));
  const copy = median(runs.copy);
  const decode = median(runs.decode);
  const encode = median(runs.encode);
  // Each ratio from the copy of its own round: the machine's drift between rounds (GC, frequency, other
  // processes) then cancels out instead of landing on one side of the division.
  const ratio = (xs: number[]) => median(xs.map((x, i) => x / runs.copy[i]!));
  return {
    pduBytes: bytes.length,
    parts: decoded.parts!.length,
    copyMBps: round(copy),
    decodeMBps: round(decode),
    encodeMBps: round(encode),
    decodeRatio: round(ratio(runs.decode), 2),
    encodeRatio: round(ratio(runs.encode), 2),
    targets: { decode: DECODE_TARGET, encode: ENCODE_TARGET },
  };
}
