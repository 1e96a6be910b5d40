// The gateway under test, run the way an operator runs it: a config file, users added with the CLI, then
// `node bin/nowsms.js start` as its own process.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, startChild, stopChild, waitForPort, type Child } from './proc.ts';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(REPO, 'bin', 'nowsms.js');

export interface GatewaySetup {
  dir: string;
  config: string;
  smtpPort: number;
  pop3Port: number;
}

export interface BenchUser {
  name: string;
  password: string;
  recipient: string;
}

/** A config in the temp dir importing the repo by absolute path; package.json makes the dir ESM for tsx. */
export function writeGatewayConfig(dir: string, smtpPort: number, pop3Port: number): GatewaySetup {
  const from = (p: string) => JSON.stringify(path.join(REPO, p));
  writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  const config = path.join(dir, 'nowsms.config.ts');
  writeFileSync(
    config,
    `// Written by bench/email.ts.
import { defineConfig } from ${from('core/index.ts')};
import { pop3 } from ${from('plugins/pop3/index.ts')};
import { smtp } from ${from('plugins/smtp/index.ts')};
import { sqliteStore } from ${from('plugins/store-sqlite/index.ts')};
import { postgresStore } from ${from('plugins/store-postgres/index.ts')};

export default defineConfig({
  dataDir: ${JSON.stringify(path.join(dir, 'data'))},
  log: { level: 'warn' },
  security: { authFailureDelayMs: 0, apop: true },
  plugins: [
    // NOWSMS_DATABASE_URL set: the same figures on the PostgreSQL store (an empty database each run).
    process.env.NOWSMS_DATABASE_URL ? postgresStore() : sqliteStore(),
    smtp({ host: '127.0.0.1', port: ${smtpPort} }),
    pop3({ host: '127.0.0.1', port: ${pop3Port} }),
  ],
});
`,
  );
  return { dir, config, smtpPort, pop3Port };
}

export async function addUser(setup: GatewaySetup, user: BenchUser): Promise<void> {
  await run(
    `nowsms users add ${user.name}`,
    process.execPath,
    [BIN, 'users', 'add', user.name, '--password', user.password, '--smtp-login', '--recipients', user.recipient, '--config', setup.config],
    { cwd: REPO },
  );
}

/** Start the gateway; nodeArgs go to node itself (--cpu-prof ...). */
export async function startGateway(setup: GatewaySetup, nodeArgs: string[] = []): Promise<Child> {
  const child = startChild('gateway (nowsms start)', process.execPath, [...nodeArgs, BIN, 'start', '--config', setup.config], { cwd: REPO });
  try {
    await waitForPort(setup.smtpPort, child, 60_000);
    await waitForPort(setup.pop3Port, child, 10_000);
  } catch (e) {
    await stopChild(child);
    throw e;
  }
  return child;
}
