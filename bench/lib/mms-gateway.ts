// The gateway for the MMS benchmark, as an operator runs it: a config file in a temp dir with the MM7
// endpoint (one MMSC account whose MMS go to alice) and an MM7 connection to the sink MMSC open to any
// traffic, alice added with the CLI, then `node bin/nowsms.js start` as its own process.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO } from './gateway.ts';
import { run, startChild, stopChild, waitForPort, type Child } from './proc.ts';

const BIN = path.join(REPO, 'bin', 'nowsms.js');
export const MMSC_ACCOUNT = { name: 'mmsc', password: 'pw' };
export const ALICE = { name: 'alice', password: 'pw', recipient: '+15550002222' };

export interface MmsGatewaySetup {
  dir: string;
  config: string;
  smtpPort: number;
  mm7Port: number;
}

export function writeMmsGatewayConfig(dir: string, ports: { smtp: number; pop3: number; mm7: number; sink: number }): MmsGatewaySetup {
  mkdirSync(dir, { recursive: true });
  const from = (p: string) => JSON.stringify(path.join(REPO, p));
  writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  const config = path.join(dir, 'nowsms.config.ts');
  writeFileSync(
    config,
    `// Written by bench/mms.ts.
import { defineConfig } from ${from('core/index.ts')};
import { mm7Client, mm7Server, parseMmscUrl } from ${from('plugins/mmsc-vasp/index.ts')};
import { pop3 } from ${from('plugins/pop3/index.ts')};
import { smtp } from ${from('plugins/smtp/index.ts')};
import { sqliteStore } from ${from('plugins/store-sqlite/index.ts')};

export default defineConfig({
  dataDir: ${JSON.stringify(path.join(dir, 'data'))},
  log: { level: 'warn' },
  security: { authFailureDelayMs: 0, apop: false },
  plugins: [
    sqliteStore(),
    smtp({ host: '127.0.0.1', port: ${ports.smtp} }),
    pop3({ host: '127.0.0.1', port: ${ports.pop3} }),
    mm7Server({ host: '127.0.0.1', port: ${ports.mm7}, accounts: [{ name: '${MMSC_ACCOUNT.name}', password: '${MMSC_ACCOUNT.password}', routeTo: '${ALICE.name}' }] }),
    mm7Client({ id: 'mmsc', ...parseMmscUrl('http://vasp:pw@127.0.0.1:${ports.sink}/mm7?vasid=bench&servicecode=bench'), anyTraffic: true, window: 8 }),
  ],
});
`,
  );
  return { dir, config, smtpPort: ports.smtp, mm7Port: ports.mm7 };
}

export async function addAlice(setup: MmsGatewaySetup): Promise<void> {
  await run(
    'nowsms users add alice',
    process.execPath,
    [BIN, 'users', 'add', ALICE.name, '--password', ALICE.password, '--smtp-login', '--recipients', ALICE.recipient, '--config', setup.config],
    { cwd: REPO },
  );
}

export async function startMmsGateway(setup: MmsGatewaySetup): Promise<Child> {
  const child = startChild('gateway (nowsms start)', process.execPath, [BIN, 'start', '--config', setup.config], { cwd: REPO });
  try {
    await waitForPort(setup.smtpPort, child, 60_000);
    await waitForPort(setup.mm7Port, child, 10_000);
  } catch (e) {
    await stopChild(child);
    throw e;
  }
  return child;
}
