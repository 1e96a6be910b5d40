// The gateway as a real process (`node bin/nowsms.js ...`), for CLI, restart and kill -9 tests.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/nowsms.js');

import { freePort } from '../../testing/free-port.ts';

export { freePort };

export interface ConfigFile {
  dir: string;
  file: string;
  dataDir: string;
  smtpPort: number;
  pop3Port: number;
}

export interface ConfigText {
  /** Config keys besides dataDir, security, log and plugins, as TypeScript text. */
  keys?: string;
  /** More modules to import: binding -> module path in the repo (`'{ smppClient }': 'plugins/smpp/index.ts'`) or a `node:` module. */
  imports?: Record<string, string>;
  /** Statements between the imports and the config (plug-ins a test defines inline). */
  preamble?: string;
  /** More plug-ins, as expressions. */
  plugins?: string[];
  /** Leave the SMTP and POP3 servers out. */
  withoutEmail?: boolean;
  /** The `security` object, as TypeScript text (default: a 20 ms failure delay, APOP on). */
  security?: string;
  /** The store plug-in, as an expression (default: `sqliteStore()` in the data dir); import it with `imports`. */
  store?: string;
}

/** A nowsms.config.ts in a temp dir that uses the repo's plug-ins: the store, SMTP and POP3 on free ports, and what `text` adds. */
export async function writeConfig(text: ConfigText = {}): Promise<ConfigFile> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nowsms-proc-'));
  const smtpPort = text.withoutEmail ? 0 : await freePort();
  const pop3Port = text.withoutEmail ? 0 : await freePort();
  const file = path.join(dir, 'nowsms.config.ts');
  const imp = (p: string) => JSON.stringify(p.startsWith('node:') ? p : path.join(ROOT, p));
  const imports = {
    '{ defineConfig }': 'core/index.ts',
    '{ sqliteStore }': 'plugins/store-sqlite/index.ts',
    ...(text.withoutEmail ? {} : { '{ smtp }': 'plugins/smtp/index.ts', '{ pop3 }': 'plugins/pop3/index.ts' }),
    ...text.imports,
  };
  const plugins = [
    text.store ?? 'sqliteStore()',
    ...(text.withoutEmail ? [] : [`smtp({ port: ${smtpPort} })`, `pop3({ port: ${pop3Port} })`]),
    ...(text.plugins ?? []),
  ];
  writeFileSync(
    file,
    `${Object.entries(imports)
      .map(([binding, module]) => `import ${binding} from ${imp(module)};`)
      .join('\n')}
${text.preamble ?? ''}
export default defineConfig({
  dataDir: './data',
  security: ${text.security ?? '{ authFailureDelayMs: 20, apop: true }'},
  log: { level: 'info', pretty: false },
  ${text.keys ?? ''}
  plugins: [${plugins.join(', ')}],
});
`,
  );
  return { dir, file, dataDir: path.join(dir, 'data'), smtpPort, pop3Port };
}

/** Run a CLI command to completion. */
export function cli(
  args: string[],
  opts: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {},
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
    ...(opts.env ? { env: opts.env } : {}),
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Start `nowsms start --config <file>` and resolve once it logs that it started; stdout lines are collected
 * in `lines`. With `args`, those instead of `--config <file>` (`[]`: find nowsms.config.ts in `dir`, as `npm start` does).
 */
export async function startProcess(
  config: Pick<ConfigFile, 'dir' | 'file'>,
  opts: { args?: string[]; env?: NodeJS.ProcessEnv } = {},
): Promise<{ child: ChildProcess; lines: string[] }> {
  const child = spawn(process.execPath, [BIN, 'start', ...(opts.args ?? ['--config', config.file])], {
    cwd: config.dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(opts.env ? { env: opts.env } : {}),
  });
  const lines: string[] = [];
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  await new Promise<void>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        lines.push(line);
        if (line.includes('"gateway started"')) resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code} before starting: ${err}${lines.join('\n')}`)));
  });
  return { child, lines };
}

export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

/** The example config's environment for a test: a fresh data dir and free ports, nothing NOWSMS_* from outside. */
export interface ExampleEnv {
  env: NodeJS.ProcessEnv;
  dataDir: string;
  smtpPort: number;
  pop3Port: number;
  smppPort: number;
  httpPort: number;
}

/** What `npm start` reads (nowsms.config.ts), for a test: its own data dir and ports, then `extra` (NOWSMS_MODEM, ...). */
export async function exampleEnv(extra: Record<string, string> = {}): Promise<ExampleEnv> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'nowsms-example-'));
  const [smtpPort, pop3Port, smppPort, httpPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  // A developer's own settings must not leak into the test.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NOWSMS_')));
  Object.assign(env, {
    NOWSMS_DATA_DIR: dataDir,
    NOWSMS_SMTP_PORT: String(smtpPort),
    NOWSMS_POP3_PORT: String(pop3Port),
    NOWSMS_SMPP_PORT: String(smppPort),
    NOWSMS_HTTP_PORT: String(httpPort),
    NOWSMS_LOG_LEVEL: 'info',
    ...extra,
  });
  return { env, dataDir, smtpPort, pop3Port, smppPort, httpPort };
}

/** The gateway started as `npm start` starts it: `nowsms start` in the repo, finding nowsms.config.ts. */
export function startExample(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; lines: string[] }> {
  return startProcess({ dir: ROOT, file: path.join(ROOT, 'nowsms.config.ts') }, { args: [], env });
}
