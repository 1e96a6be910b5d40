// The gateway under soak, run as an operator runs it (`node bin/nowsms.js start --config`), with the
// means to kill it (-9, its whole process group) and start it again on the same data dir, and to sample
// what it holds from /proc (RSS, open file descriptors), the data dir (store size) and the event log (the
// highest event seq, followed over the admin socket's `messages` topic).
import { readdirSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { adminSocketPath } from '../../core/admin/server.ts';
import { AdminClient } from '../../core/admin/client.ts';
import { REPO } from './gateway.ts';
import { rssKiB, startChild, stopChild, waitForPort, type Child } from './proc.ts';
import { SOAK_USERS, SMSC_PREFIX, MODEM_PREFIX, type Ports } from './soak-traffic.ts';

const BIN = path.join(REPO, 'bin', 'nowsms.js');

export interface RigSetup extends Ports {
  dir: string;
  dataDir: string;
  config: string;
  smscPort: number;
  modemPath: string;
}

export function writeSoakConfig(setup: Omit<RigSetup, 'config' | 'dataDir'>): RigSetup {
  const from = (p: string) => JSON.stringify(path.join(REPO, p));
  const dataDir = path.join(setup.dir, 'data');
  writeFileSync(path.join(setup.dir, 'package.json'), '{ "type": "module" }\n');
  const config = path.join(setup.dir, 'nowsms.config.ts');
  const { alice, bob, app } = SOAK_USERS;
  writeFileSync(
    config,
    `// Written by bench/soak.ts.
import { defineConfig } from ${from('core/index.ts')};
import { gsmModem } from ${from('plugins/gsm-modem/index.ts')};
import { pop3 } from ${from('plugins/pop3/index.ts')};
import { smtp } from ${from('plugins/smtp/index.ts')};
import { smppClient, smppServer } from ${from('plugins/smpp/index.ts')};
import { sqliteStore } from ${from('plugins/store-sqlite/index.ts')};

export default defineConfig({
  dataDir: ${JSON.stringify(dataDir)},
  log: { level: 'warn' },
  security: { authFailureDelayMs: 0 },
  // Faults come every few seconds here: retries must come back as fast, or the drain at the end waits for them.
  retry: { maxAttempts: 30, firstDelaySeconds: 1, stepSeconds: 1, throttlePauseSeconds: 1 },
  users: [
    { name: ${JSON.stringify(alice.name)}, password: ${JSON.stringify(alice.password)}, smtpLogin: true, recipients: [${JSON.stringify(alice.number)}] },
    { name: ${JSON.stringify(bob.name)}, password: ${JSON.stringify(bob.password)}, smtpLogin: true, recipients: [${JSON.stringify(bob.number)}] },
    { name: ${JSON.stringify(app.name)}, password: ${JSON.stringify(app.password)}, smppLogin: true },
  ],
  plugins: [
    sqliteStore(),
    smtp({ host: '127.0.0.1', port: ${setup.smtp} }),
    pop3({ host: '127.0.0.1', port: ${setup.pop3} }),
    smppServer({ host: '127.0.0.1', port: ${setup.smpp} }),
    smppClient({
      id: 'smsc', host: '127.0.0.1', port: ${setup.smscPort}, systemId: 'gw', password: 'pw',
      recipients: ['+${SMSC_PREFIX}*'], enquireLinkSeconds: 5, responseTimeoutSeconds: 5,
      reconnect: { initialSeconds: 0.5, maxSeconds: 2, factor: 2 },
    }),
    gsmModem({
      id: 'modem', path: ${JSON.stringify(setup.modemPath)}, routeTo: ${JSON.stringify(bob.name)},
      recipients: ['+${MODEM_PREFIX}*'], pollSeconds: 5, commandTimeoutMs: 5000, sendTimeoutMs: 10000,
      throttlePauseSeconds: 2, statusReports: false, reconnect: { firstMs: 500, maxMs: 2000 },
    }),
  ],
});
`,
  );
  return { ...setup, dataDir, config };
}

export interface Sample {
  /** ms since the start of the run */
  at: number;
  life: number;
  pid: number;
  rssKiB?: number;
  fds?: number;
  storeBytes: number;
  eventSeq: number;
}

export class Rig {
  child: Child | undefined;
  life = 0;
  kills = 0;
  readonly restartMs: number[] = [];
  readonly samples: Sample[] = [];
  /** The highest event seq seen, and the failures seen with their detail, by message id. */
  eventSeq = 0;
  readonly failed = new Map<string, string>();
  private events: AdminClient | undefined;

  constructor(
    readonly setup: RigSetup,
    private readonly now: () => number,
  ) {}

  async start(): Promise<void> {
    const t = Date.now();
    this.life++;
    const child = startChild(`gateway (life ${this.life})`, process.execPath, [BIN, 'start', '--config', this.setup.config], { cwd: REPO });
    this.child = child;
    await waitForPort(this.setup.smtp, child, 120_000);
    await waitForPort(this.setup.pop3, child, 30_000);
    await waitForPort(this.setup.smpp, child, 30_000);
    this.restartMs.push(Date.now() - t);
    await this.follow();
  }

  /** kill -9 of the gateway's whole process group, then the same command again. */
  async kill9AndRestart(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.kills++;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // gone already
    }
    await child.exited;
    await stopChild(child, 0);
    this.events = undefined;
    await this.start();
  }

  async stop(): Promise<void> {
    await this.events?.close().catch(() => {});
    if (this.child) await stopChild(this.child);
  }

  /** Follow the event log from the last seq seen (a gap after a kill is filled from the cursor). */
  private async follow(): Promise<void> {
    const client = await AdminClient.connect(adminSocketPath(this.setup.dataDir)).catch(() => undefined);
    if (!client) return;
    this.events = client;
    await client.subscribe(
      ['messages'],
      (line) => {
        if (!('event' in line)) return;
        const e = line.event as { seq: number; messageId: string; status: string; detail?: string };
        if (e.seq > this.eventSeq) this.eventSeq = e.seq;
        if (e.status === 'failed') this.failed.set(e.messageId, e.detail ?? '(no detail)');
      },
      { messages: this.eventSeq },
    );
  }

  /** Ask the running gateway about one message (its status and last history entry). */
  async messageStatus(id: string): Promise<{ status: string; detail?: string } | undefined> {
    const c = await AdminClient.connect(adminSocketPath(this.setup.dataDir)).catch(() => undefined);
    if (!c) return undefined;
    try {
      const m = (await c.request('messages.get', { message: id })) as { status: string; history: { detail?: string }[] };
      return { status: m.status, detail: m.history.at(-1)?.detail };
    } catch {
      return undefined;
    } finally {
      await c.close().catch(() => {});
    }
  }

  sample(): void {
    const pid = this.child?.pid;
    if (!pid || this.child?.hasExited()) return;
    const rss = rssKiB(pid);
    const fds = fdCount(pid);
    // A process being killed has no VmRSS and no fds left: not a sample of a running gateway.
    if (rss === undefined || !fds) return;
    this.samples.push({
      at: this.now(),
      life: this.life,
      pid,
      rssKiB: rss,
      fds,
      storeBytes: dirBytes(this.setup.dataDir),
      eventSeq: this.eventSeq,
    });
  }
}

function fdCount(pid: number): number | undefined {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return undefined;
  }
}

/** Bytes of the files in the data dir (the database, its WAL, the key). */
function dirBytes(dir: string): number {
  let total = 0;
  try {
    for (const name of readdirSync(dir)) {
      try {
        const st = statSync(path.join(dir, name));
        if (st.isFile()) total += st.size;
      } catch {
        // removed meanwhile
      }
    }
  } catch {
    return 0;
  }
  return total;
}

/** What the gateway's descriptors point at, grouped (sockets, the pty, the database): shown when fds grow. */
export function fdKinds(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const kind = target.replace(/\[\d+\]$/, '').replace(/^\/dev\/pts\/\d+$/, '/dev/pts/N');
      out[kind] = (out[kind] ?? 0) + 1;
    }
  } catch {
    // gone
  }
  return out;
}
