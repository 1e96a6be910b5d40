// Waiting on ink-testing-library frames: for a frame that shows something, then one more tick, so that the
// effects that register the next key handlers have run before a test types.
import type { render } from 'ink-testing-library';

type Rendered = ReturnType<typeof render>;

export async function frame(r: Rendered, what: string, test: (frame: string) => boolean, timeoutMs = 10_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const f = r.lastFrame() ?? '';
    if (test(f)) {
      await new Promise((res) => setTimeout(res, 20));
      return f;
    }
    if (Date.now() > end) throw new Error(`no frame showed ${what}; the last one:\n${f}`);
    await new Promise((res) => setTimeout(res, 10));
  }
}

export async function press(r: Rendered, ...keys: string[]): Promise<void> {
  for (const k of keys) {
    r.stdin.write(k);
    await new Promise((res) => setTimeout(res, 20));
  }
}

export const ENTER = '\r';
export const ESC = '\x1b';
