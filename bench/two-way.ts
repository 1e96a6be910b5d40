// 2-way commands under load: MO from an SMSC (deliver_sm, a window of unanswered ones) -> the gateway commits
// each, runs its HTTP command against a local receiver that answers text, and sends the answer back to the
// SMSC as a reply (submit_sm). msg/s from the first MO sent to the last reply arrived, and each message's
// latency (MO sent -> reply arrived), beside Kannel on the same path (bearerbox with its store file, smsbox
// with an sms-service whose get-url is the same receiver). Prints figures; asserts nothing about speed.
//
//   npx tsx bench/two-way.ts [--messages N] [--window W] [--concurrency C] [--rounds R] [--no-kannel] [--json] [--keep]
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchArgs, wholeNumber } from './lib/args.ts';
import { REPO } from './lib/gateway.ts';
import { startMoSmsc, type MoSmsc } from './lib/mo-smsc.ts';
import { percentile } from './lib/phases.ts';
import { cpuMs, freePorts, installCleanup, startChild, stopAll, stopChild, type Child } from './lib/proc.ts';
import { BEARERBOX, SMSBOX, startKannel, writeKannelConfig } from './lib/smpp-kannel.ts';
import { median } from './lib/figures.ts';

const HELP = `npx tsx bench/two-way.ts [options]

  --messages N     MO per measured round (default 2000)
  --window W       deliver_sm in flight from the SMSC (default 20)
  --concurrency C  the two-way plug-in's concurrency (default 8)
  --rounds R       measured rounds per server, interleaved; the median is reported (default 3)
  --no-kannel      leave Kannel out
  --json           print the figures as JSON
  --keep           keep the temp dir (configs, data, logs) and print its path
`;

function options() {
  const values = benchArgs(HELP, {
    messages: { type: 'string', default: '2000' },
    window: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
    'no-kannel': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  });
  const int = wholeNumber(HELP);
  return {
    messages: int('messages', values.messages, 1),
    window: int('window', values.window, 1),
    concurrency: int('concurrency', values.concurrency, 1),
    rounds: int('rounds', values.rounds, 1),
    kannel: !values['no-kannel'] && existsSync(BEARERBOX) && existsSync(SMSBOX),
    json: values.json,
    keep: values.keep,
  };
}

const log = (s: string) => process.stderr.write(`${s}\n`);

/** The receiver: answers `Sunny #<tag>` as text/plain, counting calls (repeats show at-least-once at work). */
function startReceiver(port: number): Promise<{ calls: number; close(): Promise<void> }> {
  const state = { calls: 0, close: async () => {} };
  const server = http.createServer((req, res) => {
    state.calls++;
    const q = new URL(req.url ?? '/', 'http://x').searchParams.get('q') ?? '';
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`Sunny ${q}`);
  });
  state.close = () =>
    new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(state)));
}

interface Server {
  name: string;
  smsc: MoSmsc;
  children: Child[];
}

async function startGateway(dir: string, smscPort: number, receiverPort: number, concurrency: number): Promise<Child> {
  mkdirSync(dir, { recursive: true });
  const from = (p: string) => JSON.stringify(path.join(REPO, p));
  const config = path.join(dir, 'nowsms.config.ts');
  writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(
    config,
    `// Written by bench/two-way.ts.
import { defineConfig } from ${from('core/index.ts')};
import { smppClient } from ${from('plugins/smpp/index.ts')};
import { sqliteStore } from ${from('plugins/store-sqlite/index.ts')};
import { twoWay } from ${from('plugins/two-way/index.ts')};

export default defineConfig({
  dataDir: ${JSON.stringify(path.join(dir, 'data'))},
  log: { level: 'warn' },
  plugins: [
    sqliteStore(),
    smppClient({ id: 'smsc', host: '127.0.0.1', port: ${smscPort}, systemId: 'gw', password: 'pw', anyTraffic: true, window: 50, reconnect: { initialSeconds: 0.2, maxSeconds: 1, factor: 2 } }),
    twoWay({ concurrency: ${concurrency}, commands: [{ keyword: 'WEATHER', action: 'http://127.0.0.1:${receiverPort}/w?from=@@SENDER@@&q=@@SMS@@' }] }),
  ],
});
`,
  );
  const child = startChild('gateway (nowsms start)', process.execPath, [path.join(REPO, 'bin', 'nowsms.js'), 'start', '--config', config], { cwd: REPO });
  return child;
}

async function waitUntil(what: string, ok: () => boolean, timeoutMs: number, child?: Child): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (child?.hasExited()) throw new Error(`${child.name} exited while waiting for ${what}:\n${child.output()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Round {
  msgPerSec: number;
  p50Ms: number;
  p99Ms: number;
  repeats: number;
  failed: number;
  serverCpuMsPerMsg: number | undefined;
}

let nextTag = 1;

async function round(s: Server, count: number, window: number): Promise<Round> {
  const first = nextTag;
  nextTag += count;
  const cpu0 = s.children.reduce((a, c) => a + (cpuMs(c.pid) ?? NaN), 0);
  const start = performance.now();
  const { failed } = await s.smsc.deliver(count, window, first, (tag) => `WEATHER #${tag}`);
  await waitUntil(
    `${s.name}: every reply`,
    () => {
      for (let t = first; t < first + count; t++) if (!s.smsc.replyAt.has(t)) return false;
      return true;
    },
    300_000,
    s.children.find((c) => c.hasExited()),
  );
  let end = 0;
  const lat: number[] = [];
  for (let t = first; t < first + count; t++) {
    const at = s.smsc.replyAt.get(t)!;
    end = Math.max(end, at);
    lat.push(at - s.smsc.sentAt.get(t)!);
  }
  const cpu1 = s.children.reduce((a, c) => a + (cpuMs(c.pid) ?? NaN), 0);
  return {
    msgPerSec: count / ((end - start) / 1000),
    p50Ms: percentile(lat, 0.5),
    p99Ms: percentile(lat, 0.99),
    repeats: s.smsc.repeats,
    failed,
    serverCpuMsPerMsg: Number.isFinite(cpu1 - cpu0) ? (cpu1 - cpu0) / count : undefined,
  };
}

async function main(): Promise<void> {
  const o = options();
  installCleanup();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'nowsms-bench-two-way-'));
  const [receiverPort, gwSmsc, kSmsc, admin, smsbox, sendsms] = await freePorts(6);
  const receiver = await startReceiver(receiverPort!);
  const servers: Server[] = [];
  try {
    log(`gateway: starting (concurrency ${o.concurrency})`);
    const gsmsc = await startMoSmsc(gwSmsc!);
    const gw = await startGateway(path.join(tmp, 'gateway'), gwSmsc!, receiverPort!, o.concurrency);
    await waitUntil('the gateway to bind', () => gsmsc.bound() > 0, 60_000, gw);
    servers.push({ name: 'gateway', smsc: gsmsc, children: [gw] });
    if (o.kannel) {
      log('kannel: starting bearerbox and smsbox');
      const ksmsc = await startMoSmsc(kSmsc!);
      const kdir = path.join(tmp, 'kannel');
      mkdirSync(kdir, { recursive: true });
      // Kannel's 2-way: an sms-service whose get-url answer goes back to the phone.
      const services = `group = sms-service
keyword = weather
get-url = "http://127.0.0.1:${receiverPort!}/w?from=%p&q=%r"
max-messages = 1
`;
      const setup = writeKannelConfig(kdir, { admin: admin!, smsbox: smsbox!, sendsms: sendsms!, sinkPort: kSmsc!, window: 50, services });
      const [sb, bearerbox] = (await startKannel(setup, kdir)) as [Child, Child];
      await waitUntil('Kannel to bind', () => ksmsc.bound() > 0, 60_000, bearerbox);
      servers.push({ name: 'kannel', smsc: ksmsc, children: [bearerbox, sb] });
    }
    // Warm-up: connections, JIT, the store's first pages.
    for (const s of servers) await round(s, Math.min(100, o.messages), o.window);
    const results = new Map<string, Round[]>(servers.map((s) => [s.name, []]));
    for (let r = 0; r < o.rounds; r++)
      for (const s of servers) {
        const res = await round(s, o.messages, o.window);
        results.get(s.name)!.push(res);
        log(`${s.name} round ${r + 1}: ${res.msgPerSec.toFixed(0)} msg/s, p50 ${res.p50Ms.toFixed(1)} ms, p99 ${res.p99Ms.toFixed(1)} ms`);
      }
    const summary = Object.fromEntries(
      [...results].map(([name, rs]) => [
        name,
        {
          msgPerSec: median(rs.map((x) => x.msgPerSec)),
          p50Ms: median(rs.map((x) => x.p50Ms)),
          p99Ms: median(rs.map((x) => x.p99Ms)),
          repeats: rs.at(-1)!.repeats,
          failedDeliverSm: rs.reduce((a, x) => a + x.failed, 0),
          serverCpuMsPerMsg: median(rs.map((x) => x.serverCpuMsPerMsg ?? NaN)),
          rounds: rs,
        },
      ]),
    );
    if (o.json)
      process.stdout.write(
        JSON.stringify({ messages: o.messages, window: o.window, concurrency: o.concurrency, receiverCalls: receiver.calls, summary }, null, 2) + '\n',
      );
    else {
      process.stdout.write(`2-way: MO -> HTTP command (text answer) -> reply, ${o.messages} messages, window ${o.window}, median of ${o.rounds}\n`);
      for (const [name, s] of Object.entries(summary))
        process.stdout.write(
          `  ${name.padEnd(8)} ${s.msgPerSec.toFixed(0).padStart(6)} msg/s   p50 ${s.p50Ms.toFixed(1).padStart(7)} ms   p99 ${s.p99Ms.toFixed(1).padStart(7)} ms   cpu ${s.serverCpuMsPerMsg.toFixed(2)} ms/msg   repeated replies ${s.repeats}\n`,
        );
      const g = summary.gateway;
      const k = summary.kannel;
      if (g && k) process.stdout.write(`  gateway / kannel: ${(g.msgPerSec / k.msgPerSec).toFixed(2)}x\n`);
    }
  } finally {
    for (const s of servers) for (const c of s.children) await stopChild(c);
    for (const s of servers) await s.smsc.close();
    await receiver.close();
    await stopAll();
    if (o.keep) log(`kept ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${(e as Error).stack ?? String(e)}\n`);
  void stopAll().then(() => process.exit(1));
});
