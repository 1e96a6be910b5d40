// The WAP push parser under a long fuzz run: random octets and mutated real pushes, by default 100k cases
// from seed 1. It prints the counts and the peak memory as JSON and exits non-zero on the first case the
// parser gets wrong (anything thrown but a WapPushError, an offset outside the input, a body that is not
// the input's tail), naming the case so it can be replayed with the same seed.
import { parseArgs } from 'node:util';
import { fuzzWapPush } from '../test/plugins/gprs-mms/push-fuzz.ts';
import { wholeNumber } from './lib/args.ts';

const HELP = `usage: npx tsx bench/fuzz-wap-push.ts [--cases N] [--seed S]
  --cases N   inputs to try (default 100000)
  --seed S    PRNG seed (default 1)
`;
const { values } = parseArgs({ options: { cases: { type: 'string' }, seed: { type: 'string' } } });
const whole = wholeNumber(HELP);
const cases = values.cases === undefined ? 100_000 : whole('cases', values.cases, 1);
const seed = values.seed === undefined ? 1 : whole('seed', values.seed, 0);

const result = fuzzWapPush({ seed, cases });
process.stdout.write(`${JSON.stringify({ ...result, seed, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
