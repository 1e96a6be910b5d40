// What every bench script prints with: progress on stderr, rounded figures, medians of rounds, and a wait.
import { percentile } from './phases.ts';

export const progress = (text: string) => process.stderr.write(`bench: ${text}\n`);
export const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
export const median = (xs: number[]) => percentile(xs, 0.5);

/** Poll `check` every 10 ms until it holds; throws naming `what` after `ms`. */
export async function until(check: () => boolean, what: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
