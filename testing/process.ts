// The gateway as a user starts it: `nowsms start --config <file>` in a process of its own.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** This package's `nowsms` command (bin/nowsms.js), found through the package's own name. */
export const NOWSMS_BIN = path.join(path.dirname(fileURLToPath(import.meta.resolve('nowsms/package.json'))), 'bin', 'nowsms.js');

export interface GatewayProcessOptions {
  /** The config file (`nowsms.config.ts`, `.mjs` or `.js`), as `--config` takes it. */
  config: string;
  /** Working directory (default: the config file's folder). */
  cwd?: string;
  /** The environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** The command to run (default: this package's bin/nowsms.js with this Node). */
  command?: string;
  /** Reject (and kill the process) when it has not logged "gateway started" by then; default 60 000 ms. */
  timeoutMs?: number;
}

export interface GatewayProcess {
  readonly child: ChildProcess;
  /** Every line it printed on stdout so far (JSON log lines unless the config asks for pretty logs). */
  readonly lines: readonly string[];
  /** Resolves with the first line (from the start) that contains this text or matches this pattern. */
  waitForLine(match: string | RegExp, timeoutMs?: number): Promise<string>;
  /** SIGTERM (or `signal`) and wait for it to exit; resolves with its exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Start `nowsms start --config <file>`; resolves once it logs "gateway started", rejects if it exits first. */
export async function startGatewayProcess(opts: GatewayProcessOptions): Promise<GatewayProcess> {
  const command = opts.command ?? NOWSMS_BIN;
  const args = ['start', '--config', path.resolve(opts.config)];
  const child = spawn(command.endsWith('.js') ? process.execPath : command, command.endsWith('.js') ? [command, ...args] : args, {
    cwd: opts.cwd ?? path.dirname(path.resolve(opts.config)),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: opts.env ?? process.env,
  });
  const lines: string[] = [];
  const watchers = new Set<(line: string) => void>();
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      lines.push(line);
      for (const w of watchers) w(line);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const waitForLine = (match: string | RegExp, timeoutMs = 20_000) => {
    const test = (l: string) => (typeof match === 'string' ? l.includes(match) : match.test(l));
    const seen = lines.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise<string>((resolve, reject) => {
      const done = () => {
        watchers.delete(watch);
        clearTimeout(timer);
      };
      const watch = (l: string) => {
        if (!test(l)) return;
        done();
        resolve(l);
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(`timed out after ${timeoutMs} ms waiting for a line with ${String(match)}; the last lines:\n${lines.slice(-20).join('\n')}\n${stderr}`),
        );
      }, timeoutMs);
      watchers.add(watch);
      void exited.then((code) => {
        if (!watchers.has(watch)) return;
        done();
        reject(new Error(`the gateway exited (${code}) before a line with ${String(match)}:\n${lines.slice(-20).join('\n')}\n${stderr}`));
      });
    });
  };

  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };

  try {
    await waitForLine('gateway started', opts.timeoutMs ?? 60_000);
  } catch (e) {
    await stop('SIGKILL');
    throw e;
  }
  return { child, lines, waitForLine, stop };
}
