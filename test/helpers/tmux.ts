// A real terminal for the TUI: a tmux server of the test's own (its own socket, so other tmux users are
// never touched), a session running a command at a given size, keys sent, the screen read back.
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';

let serial = 0;

export interface Tmux {
  /** The screen as text (`escapes`: with tmux's SGR escapes for colours and attributes). */
  screen(escapes?: boolean): string;
  keys(...keys: string[]): void;
  /** Literal text (no key names). */
  type(text: string): void;
  /** Wait until the screen satisfies `test`; the error shows the last screen. */
  waitFor(what: string, test: (screen: string) => boolean, timeoutMs?: number): Promise<string>;
  resize(columns: number, rows: number): void;
  /** The command's process is gone (the pane is dead). */
  exited(): boolean;
  kill(): void;
}

export function startTmux(command: string[], opts: { columns: number; rows: number; env?: Record<string, string>; cwd?: string }): Tmux {
  const socket = `nowsms-test-${process.pid}-${++serial}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const env = Object.entries(opts.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  tmux(
    '-f',
    '/dev/null',
    'new-session',
    '-d',
    '-s',
    'tui',
    '-x',
    String(opts.columns),
    '-y',
    String(opts.rows),
    ...(opts.cwd ? ['-c', opts.cwd] : []),
    ...env,
    command.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' '),
  );
  // Keep the pane after the command ends, so a test can see why it ended.
  tmux('set-option', '-t', 'tui', 'remain-on-exit', 'on');
  const socketPath = tmux('display-message', '-p', '#{socket_path}').trim();
  const t: Tmux = {
    screen: (escapes = false) => tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', 'tui'),
    keys: (...keys) => void tmux('send-keys', '-t', 'tui', ...keys),
    type: (text) => void tmux('send-keys', '-t', 'tui', '-l', text),
    async waitFor(what, test, timeoutMs = 30_000) {
      const end = Date.now() + timeoutMs;
      let last = '';
      while (Date.now() < end) {
        last = t.screen();
        if (test(last)) return last;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`gave up waiting for the screen to show ${what}; it shows:\n${last}`);
    },
    resize: (columns, rows) => void tmux('resize-window', '-t', 'tui', '-x', String(columns), '-y', String(rows)),
    exited: () => tmux('display-message', '-p', '-t', 'tui', '#{pane_dead}').trim() === '1',
    kill: () => {
      spawnSync('tmux', ['-L', socket, 'kill-server']);
      // The server leaves its socket file behind.
      rmSync(socketPath, { force: true });
    },
  };
  return t;
}
