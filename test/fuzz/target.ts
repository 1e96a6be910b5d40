// A fuzz target: one parser, one property. Shared by the test (a few thousand inputs each) and
// bench/fuzz.ts (`npm run fuzz`, a million each by default).
import fc from 'fast-check';

export interface FuzzTarget {
  /** Short and stable: `--only` takes it, failures name it. */
  name: string;
  /** What it checks, in a line. */
  about: string;
  property(): fc.IRawProperty<unknown>;
}

/** Fails the property with a message that says what broke; fast-check adds the counterexample. */
export function broken(what: string): never {
  throw new Error(what);
}

export interface FuzzRun {
  name: string;
  runs: number;
  seconds: number;
  failed: boolean;
  /** fast-check's report (counterexample, seed, path) when it failed. */
  report?: string;
}

export async function runTarget(t: FuzzTarget, opts: { runs: number; seed?: number }): Promise<FuzzRun> {
  const started = performance.now();
  const details = await fc.check(t.property(), { numRuns: opts.runs, ...(opts.seed !== undefined ? { seed: opts.seed } : {}), endOnFailure: true });
  const seconds = (performance.now() - started) / 1000;
  const out: FuzzRun = { name: t.name, runs: details.numRuns, seconds, failed: details.failed };
  if (details.failed) out.report = fc.defaultReportMessage(details) ?? 'failed';
  return out;
}
