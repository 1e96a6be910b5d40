// The gateway as a real process (`node bin/nowsms.js ...`), for CLI, restart and kill -9 tests.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/nowsms.js');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface ConfigFile {
  dir: string;
  file: string;
  dataDir: string;
  smtpPort: number;
  pop3Port: number;
}

/** A nowsms.config.ts in a temp dir that uses the repo's plug-ins, with free ports. */
export async function writeConfig(extra = ''): Promise<ConfigFile> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nowsms-proc-'));
  const smtpPort = await freePort();
  const pop3Port = await freePort();
  const file = path.join(dir, 'nowsms.config.ts');
  const imp = (p: string) => JSON.stringify(path.join(ROOT, p));
  writeFileSync(
    file,
    `import { defineConfig } from ${imp('core/index.ts')};
import { sqliteStore } from ${imp('plugins/store-sqlite/index.ts')};
import { smtp } from ${imp('plugins/smtp/index.ts')};
import { pop3 } from ${imp('plugins/pop3/index.ts')};
export default defineConfig({
  dataDir: './data',
  security: { authFailureDelayMs: 20, apop: true },
  log: { level: 'info', pretty: false },
  ${extra}
  plugins: [sqliteStore(), smtp({ port: ${smtpPort} }), pop3({ port: ${pop3Port} })],
});
`,
  );
  return { dir, file, dataDir: path.join(dir, 'data'), smtpPort, pop3Port };
}

/** Run a CLI command to completion. */
export function cli(args: string[], opts: { cwd?: string; input?: string } = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, input: opts.input ?? '', encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Start `nowsms start` and resolve once it logs that it started; stdout lines are collected in `lines`. */
export async function startProcess(config: ConfigFile): Promise<{ child: ChildProcess; lines: string[] }> {
  const child = spawn(process.execPath, [BIN, 'start', '--config', config.file], { cwd: config.dir, stdio: ['ignore', 'pipe', 'pipe'] });
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
