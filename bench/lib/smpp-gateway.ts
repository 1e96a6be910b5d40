// The gateway for the SMPP benchmark, run as an operator runs it: a config file in a temp dir with the
// SMPP server (and, for the end-to-end path, an SMSC client connection to the sink), then
// `node bin/nowsms.js start` as its own process.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO } from './gateway.ts';
import { startChild, stopChild, waitForPort, type Child } from './proc.ts';

const BIN = path.join(REPO, 'bin', 'nowsms.js');

export const BENCH_USER = { name: 'app', password: 'pw' };

export interface SmppGatewaySetup {
  dir: string;
  config: string;
  smppPort: number;
}

/** `sinkPort`: add an SMPP client connection open to any traffic, to the sink on that port (asking for receipts with `receipts`). */
export function writeSmppGatewayConfig(
  dir: string,
  ports: { smtp: number; pop3: number; smpp: number; sinkPort?: number; sinkWindow?: number; receipts?: boolean },
  /** Another store than SQLite in the data dir (`store.import` names the module of `store.expr`), and the node's id. */
  node: { store?: { binding: string; module: string; expr: string }; nodeId?: string } = {},
): SmppGatewaySetup {
  mkdirSync(dir, { recursive: true });
  const from = (p: string) => JSON.stringify(path.join(REPO, p));
  writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  const client =
    ports.sinkPort === undefined
      ? ''
      : `smppClient({ id: 'sink', host: '127.0.0.1', port: ${ports.sinkPort}, systemId: 'gw', password: 'pw', anyTraffic: true, window: ${ports.sinkWindow ?? 50}, registeredDelivery: ${ports.receipts === true}, reconnect: { initialSeconds: 0.2, maxSeconds: 1, factor: 2 } }),`;
  const config = path.join(dir, 'nowsms.config.ts');
  writeFileSync(
    config,
    `// Written by bench/smpp.ts.
import { defineConfig } from ${from('core/index.ts')};
import { pop3 } from ${from('plugins/pop3/index.ts')};
import { smtp } from ${from('plugins/smtp/index.ts')};
import { smppServer, smppClient } from ${from('plugins/smpp/index.ts')};
import ${node.store?.binding ?? '{ sqliteStore }'} from ${from(node.store?.module ?? 'plugins/store-sqlite/index.ts')};

export default defineConfig({
  dataDir: ${JSON.stringify(path.join(dir, 'data'))},
  ${node.nodeId ? `nodeId: ${JSON.stringify(node.nodeId)},` : ''}
  log: { level: 'warn' },
  security: { authFailureDelayMs: 0, apop: false },
  users: [{ name: ${JSON.stringify(BENCH_USER.name)}, password: ${JSON.stringify(BENCH_USER.password)}, smppLogin: true, recipients: ['+15550001111'] }],
  plugins: [
    ${node.store?.expr ?? 'sqliteStore()'},
    smtp({ host: '127.0.0.1', port: ${ports.smtp} }),
    pop3({ host: '127.0.0.1', port: ${ports.pop3} }),
    smppServer({ host: '127.0.0.1', port: ${ports.smpp}, maxPending: 1000 }),
    ${client}
  ],
});
`,
  );
  return { dir, config, smppPort: ports.smpp };
}

export async function startSmppGateway(setup: SmppGatewaySetup, nodeArgs: string[] = []): Promise<Child> {
  const child = startChild('gateway (nowsms start)', process.execPath, [...nodeArgs, BIN, 'start', '--config', setup.config], { cwd: REPO });
  try {
    await waitForPort(setup.smppPort, child, 60_000);
  } catch (e) {
    await stopChild(child);
    throw e;
  }
  return child;
}
