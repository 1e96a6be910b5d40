// A real gateway for integration tests: the real SQLite store in a temp data dir, servers on free ports.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveConfig, type NowsmsConfig, type ResolvedConfig } from '../../core/config.ts';
import { Gateway } from '../../core/gateway.ts';
import { silentLogger, createLogger } from '../../core/log.ts';
import type { NowsmsPlugin } from '../../core/plugin.ts';
import { pop3, type Pop3Options } from '../../plugins/pop3/index.ts';
import { smtp, type SmtpOptions } from '../../plugins/smtp/index.ts';
import { sqliteStore } from '../../plugins/store-sqlite/index.ts';
import { makeCertificate } from './tls.ts';

export interface TestUser {
  name: string;
  password: string;
  recipients?: string[];
  smtpLogin?: boolean;
  smppLogin?: boolean;
  receive?: boolean;
  forcedSender?: string;
  fullName?: string;
  dailyLimit?: number;
  monthlyLimit?: number;
  credits?: number;
  allowIps?: string[];
}

export interface TestGatewayOptions {
  users?: TestUser[];
  /** Generate a self-signed certificate and set it as config.tls. */
  tls?: boolean;
  /** Merged over the test defaults (not deep). */
  config?: Partial<NowsmsConfig> & Record<string, unknown>;
  smtp?: Partial<SmtpOptions> | false;
  pop3?: Partial<Pop3Options> | false;
  /** More plug-ins (test connections, ...). */
  plugins?: NowsmsPlugin[];
  /** Reuse a data dir (restart tests). */
  dataDir?: string;
}

export interface TestGateway {
  gateway: Gateway;
  config: ResolvedConfig;
  dataDir: string;
  smtpPort: number;
  pop3Port: number;
  tls?: { keyFile: string; certFile: string };
  /** An SMS as if received from the network (MO). */
  inject(from: string, to: string, text: string): Promise<string>;
  stop(): Promise<void>;
}

function portOf(gw: Gateway, id: string): number {
  const listening = gw.status()[id]?.listening?.[0];
  if (!listening) return 0;
  return Number(listening.slice(listening.lastIndexOf(':') + 1));
}

export async function startTestGateway(opts: TestGatewayOptions = {}): Promise<TestGateway> {
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'nowsms-test-'));
  const tls = opts.tls ? makeCertificate() : undefined;
  const plugins: NowsmsPlugin[] = [sqliteStore()];
  if (opts.smtp !== false) plugins.push(smtp({ port: 0, ...(opts.smtp ?? {}) }));
  if (opts.pop3 !== false) plugins.push(pop3({ port: 0, ...(opts.pop3 ?? {}) }));
  plugins.push(...(opts.plugins ?? []));
  const config = resolveConfig(
    {
      dataDir,
      security: { authFailureDelayMs: 20, apop: true },
      log: { level: 'silent' },
      users: (opts.users ?? []).map((u) => ({ smtpLogin: true, ...u })),
      ...(tls ? { tls } : {}),
      ...opts.config,
      plugins,
    },
    dataDir,
  );
  const log = process.env.NOWSMS_TEST_LOG ? createLogger({ level: 'debug', pretty: true }) : silentLogger();
  const gateway = await Gateway.open(config, { log });
  await gateway.start();
  return {
    gateway,
    config,
    dataDir,
    smtpPort: portOf(gateway, 'smtp'),
    pop3Port: portOf(gateway, 'pop3'),
    ...(tls ? { tls } : {}),
    async inject(from, to, text) {
      const [accepted] = await gateway.submit([
        { direction: 'MO', kind: 'sms', from, to, parts: [{ contentType: 'text/plain; charset=utf-8', data: Buffer.from(text, 'utf8') }], via: 'test' },
      ]);
      return accepted!.id;
    },
    stop: () => gateway.stop(),
  };
}
