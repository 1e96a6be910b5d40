// A fuzz target: one parser, one property. Shared by the test (a few thousand inputs each) and
// bench/fuzz.ts (`npm run fuzz`, a million each by default).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';

const REGRESSIONS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'regressions');

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

/**
 * The inputs a run once failed on (regressions/<target>.json), replayed before the random ones: each case's
 * `input` is the property's arguments, a Buffer written as `{ "hex": "..." }`.
 */
export function regressions(name: string): unknown[][] {
  const file = path.join(REGRESSIONS, `${name}.json`);
  if (!existsSync(file)) return [];
  const { cases } = JSON.parse(readFileSync(file, 'utf8')) as { cases: { input: unknown[] }[] };
  return cases.map((c) => c.input.map((a) => (a && typeof a === 'object' && 'hex' in a ? Buffer.from(String((a as { hex: string }).hex), 'hex') : a)));
}

export async function runTarget(t: FuzzTarget, opts: { runs: number; seed?: number }): Promise<FuzzRun> {
  const started = performance.now();
  const details = await fc.check(t.property(), {
    numRuns: opts.runs,
    examples: regressions(t.name) as never,
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    endOnFailure: true,
  });
  const seconds = (performance.now() - started) / 1000;
  const out: FuzzRun = { name: t.name, runs: details.numRuns, seconds, failed: details.failed };
  if (details.failed) out.report = fc.defaultReportMessage(details) ?? 'failed';
  return out;
}
