// The MMS codec under fuzz: N random and mutated PDUs (the shared vectors and the tests' sample PDUs as seeds) through decodeMms, and
// every PDU it accepts through encodeMms. Passes when nothing but an MmsError escapes; prints the counts,
// the slowest case and the peak RSS so a case that costs more than its size shows up. See bench/README.md.
//
//   npx tsx bench/mms-fuzz.ts [--cases N] [--seed S] [--json]
import { parseArgs } from 'node:util';
import { decodeMms, encodeMms, isMmsError } from '../core/codecs/mms/index.ts';
import { DECODABLE, pduBytes } from '../test/core/codecs/mms/mms-vectors.ts';
import { fuzzCase, prng } from '../test/core/codecs/mms/fuzz.ts';
import { ALL_FIELDS, SAMPLES } from '../test/core/codecs/mms/samples.ts';
import { wholeNumber } from './lib/args.ts';

const HELP = `npx tsx bench/mms-fuzz.ts [options]

  --cases N   fuzz cases (default 100000)
  --seed S    PRNG seed (default 20261207): a failing case is replayed with the same seed
  --json      print the figures as JSON
`;

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '20261207' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const int = wholeNumber(HELP);
const cases = int('cases', values.cases, 1);
const seed = int('seed', values.seed, 0);

const samples = [...DECODABLE.map(pduBytes), ...[...SAMPLES, ALL_FIELDS].map((p) => encodeMms(p))];
const rand = prng(seed);
let decoded = 0;
let refused = 0;
let reencoded = 0;
let octets = 0;
let slowest = { index: -1, ms: 0, size: 0 };
const started = performance.now();
for (let i = 0; i < cases; i++) {
  const input = fuzzCase(rand, samples);
  octets += input.length;
  const t0 = performance.now();
  let pdu;
  try {
    pdu = decodeMms(input);
    decoded++;
  } catch (e) {
    if (!isMmsError(e)) fail(i, input, e);
    refused++;
  }
  if (pdu) {
    let again: Buffer | undefined;
    try {
      again = encodeMms(pdu);
      reencoded++;
    } catch (e) {
      if (!isMmsError(e)) fail(i, input, e);
    }
    // What the encoder writes, the decoder must read.
    if (again) {
      try {
        decodeMms(again);
      } catch (e) {
        fail(i, input, e);
      }
    }
  }
  const ms = performance.now() - t0;
  if (ms > slowest.ms) slowest = { index: i, ms, size: input.length };
}
const seconds = (performance.now() - started) / 1000;
const figures = {
  cases,
  seed,
  decoded,
  refused,
  reencoded,
  casesPerSecond: Math.round(cases / seconds),
  mbPerSecond: Number((octets / 1e6 / seconds).toFixed(1)),
  slowestCase: { ...slowest, ms: Number(slowest.ms.toFixed(2)) },
  peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
};
if (values.json) process.stdout.write(JSON.stringify(figures, null, 2) + '\n');
else {
  process.stdout.write(
    `mms fuzz: ${cases} cases (seed ${seed}): ${decoded} decoded (${reencoded} re-encoded), ${refused} refused with MmsError, nothing else thrown\n` +
      `  ${figures.casesPerSecond} cases/s, ${figures.mbPerSecond} MB/s; slowest case #${slowest.index} (${slowest.size} octets) ${figures.slowestCase.ms} ms; peak RSS ${figures.peakRssMiB} MiB\n`,
  );
}

function fail(index: number, input: Buffer, e: unknown): never {
  process.stderr.write(`mms fuzz: case #${index} (seed ${seed}) threw ${(e as Error)?.stack ?? String(e)}\ninput: ${input.toString('hex').slice(0, 2000)}\n`);
  process.exit(1);
}
