// Every parser's fuzz property (test/fuzz/targets) over many inputs: `npm run fuzz`. Prints, per target,
// the inputs tried, the time and inputs/s, and for a failure fast-check's report (counterexample, seed and
// path to replay it); exits 1 if any target failed. See test/fuzz/README.md.
//
//   npm run fuzz -- [--runs N] [--only name,name] [--seed S] [--json]
import { parseArgs } from 'node:util';
import { runTarget, type FuzzRun } from '../test/fuzz/target.ts';
import { TARGETS } from '../test/fuzz/targets/index.ts';
import { wholeNumber } from './lib/args.ts';

const HELP = `npm run fuzz -- [options]

  --runs N      inputs per target (default 1000000)
  --only a,b    only these targets: ${TARGETS.map((t) => t.name).join(', ')}
  --seed S      fast-check seed (default: random; printed, so a run can be repeated)
  --json        print the figures as JSON
`;

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '1000000' },
    only: { type: 'string' },
    seed: { type: 'string' },
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
const runs = int('runs', values.runs, 1);
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : int('seed', values.seed, 0);
const only = values.only?.split(',').map((s) => s.trim());
const unknown = only?.filter((n) => !TARGETS.some((t) => t.name === n)) ?? [];
if (unknown.length) {
  process.stderr.write(`fuzz: no target ${unknown.join(', ')}\n\n${HELP}`);
  process.exit(2);
}

const results: (FuzzRun & { perSecond: number })[] = [];
if (!values.json) process.stdout.write(`fuzz: ${runs} inputs per target, seed ${seed}\n`);
for (const t of TARGETS.filter((x) => !only || only.includes(x.name))) {
  const r = await runTarget(t, { runs, seed });
  const row = { ...r, perSecond: Math.round(r.runs / r.seconds) };
  results.push(row);
  if (!values.json) {
    process.stdout.write(
      `  ${t.name.padEnd(14)} ${String(r.runs).padStart(8)} inputs  ${r.seconds.toFixed(1).padStart(7)} s  ${String(row.perSecond).padStart(7)}/s  ${r.failed ? 'FAILED' : 'ok'}\n`,
    );
    if (r.report) process.stdout.write(`${r.report}\n`);
  }
}
const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
if (values.json) process.stdout.write(JSON.stringify({ seed, runs, peakRssMiB, targets: results }, null, 2) + '\n');
else process.stdout.write(`peak RSS ${peakRssMiB} MiB\n`);
process.exit(results.some((r) => r.failed) ? 1 : 0);
