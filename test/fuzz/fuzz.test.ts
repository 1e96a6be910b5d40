// Every parser under its fuzz property, a few thousand inputs each (NOWSMS_FUZZ_RUNS to change it);
// `npm run fuzz` runs a million. A failure prints the counterexample with its seed and path.
import { describe, expect, it } from 'vitest';
import { runTarget } from './target.ts';
import { TARGETS } from './targets/index.ts';

const RUNS = Number(process.env.NOWSMS_FUZZ_RUNS ?? 2000);

describe('fuzz: every parser keeps its promise on hostile input', () => {
  it.each(TARGETS.map((t) => [t.name, t] as const))(
    '%s',
    async (_name, target) => {
      const run = await runTarget(target, { runs: RUNS });
      expect(run.report ?? '', target.about).toBe('');
      expect(run.runs).toBe(RUNS);
    },
    120_000,
  );
});
