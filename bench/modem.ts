// GSM modem throughput with a simulator that answers at once: how many SMS a second the AT engine drives
// through one modem and through four in parallel, and the CPU each SMS costs. Prints figures; asserts
// nothing about speed. What the figures mean: plugins/gsm-modem/README.md, "Benchmark".
//   (a) the AT engine alone: AT+CMGS, prompt, PDU, +CMGS over a socat pty, one command at a time per modem,
//       in this process; the simulators run in a process of their own so the CPU figure is the engine's;
//   (b) the whole gateway: MT messages queued in the store before `nowsms start` (a child process), then
//       dispatcher -> modem plug-in -> pty -> simulators (here); the CPU figure is the gateway process's.
//
//   npx tsx bench/modem.ts [--messages N] [--gateway-messages G] [--rounds R] [--only a,b] [--json] [--keep]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config.ts';
import { Gateway } from '../core/gateway.ts';
import { encodeSubmit, type NewMessage } from '../core/index.ts';
import { silentLogger } from '../core/log.ts';
import { AtEngine } from '../plugins/gsm-modem/at/engine.ts';
import { openPort, type ModemPort } from '../plugins/gsm-modem/port.ts';
import { SmsCommands } from '../plugins/gsm-modem/sms/commands.ts';
import { ptyPair, type PtyPair } from '../test/helpers/socat.ts';
import { ModemSimulator } from '../test/plugins/gsm-modem/simulator/index.ts';
import { REPO } from './lib/gateway.ts';
import { cpuMs, installCleanup, startChild, stopAll, stopChild, type Child } from './lib/proc.ts';
import { wholeNumber } from './lib/args.ts';

const HELP = `npx tsx bench/modem.ts [options]

  --messages N          SMS per measured round of (a), split evenly between the modems (default 4000)
  --gateway-messages G  SMS queued for each round of (b) (default 1000)
  --rounds R            measured rounds per setting; the median is reported (default 3)
  --only LIST           phases to run: a, b or a,b (default a,b)
  --json                print the figures as JSON
  --keep                keep the temp dir and print its path
`;

const MODEM_COUNTS = [1, 4];

function options() {
  const { values } = parseArgs({
    options: {
      messages: { type: 'string', default: '4000' },
      'gateway-messages': { type: 'string', default: '1000' },
      rounds: { type: 'string', default: '3' },
      only: { type: 'string', default: 'a,b' },
      json: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      // Internal: this same script as the simulators' own process in (a).
      'serve-simulators': { type: 'string' },
      dir: { type: 'string' },
    },
    strict: true,
  });
  if (values['serve-simulators'] !== undefined) {
    void serveSimulators(Number(values['serve-simulators']), values.dir!);
    return undefined;
  }
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  const int = wholeNumber(HELP);
  const only = new Set((values.only ?? '').split(',').map((s) => s.trim()));
  return {
    messages: int('messages', values.messages, 8),
    gatewayMessages: int('gateway-messages', values['gateway-messages'], 8),
    rounds: int('rounds', values.rounds, 1),
    a: only.has('a'),
    b: only.has('b'),
    json: values.json,
    keep: values.keep,
  };
}

const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round1 = (x: number) => Math.round(x * 10) / 10;
const round3 = (x: number) => Math.round(x * 1000) / 1000;

interface Figure {
  modems: number;
  sms: number;
  smsPerSecond: number;
  cpuMsPerSms: number;
  rounds: { smsPerSecond: number; cpuMsPerSms: number }[];
}

function figure(modems: number, sms: number, rounds: Figure['rounds']): Figure {
  return {
    modems,
    sms,
    smsPerSecond: round1(median(rounds.map((r) => r.smsPerSecond))),
    cpuMsPerSms: round3(median(rounds.map((r) => r.cpuMsPerSms))),
    rounds,
  };
}

/** One numbered recipient per message, so that every modem gets its own range (`+1555100<k>*`). */
const recipient = (modem: number, i: number) => `+1555100${modem}${String(i).padStart(5, '0')}`;

// --- (a) the AT engine alone --------------------------------------------------------------------

/**
 * The simulators' process for (a): pty pairs under dir, a simulator (answering at once, echo off as the
 * engine leaves it) on each modem end; prints `READY <json: the gateway ends>` and runs until SIGTERM.
 */
async function serveSimulators(count: number, dir: string): Promise<void> {
  const pairs: PtyPair[] = [];
  const sims: ModemSimulator[] = [];
  for (let i = 0; i < count; i++) {
    const d = path.join(dir, `modem${i + 1}`);
    mkdirSync(d, { recursive: true });
    const pair = await ptyPair(d);
    pairs.push(pair);
    sims.push(await ModemSimulator.attach(pair, { echo: false }));
  }
  const close = async () => {
    for (const s of sims) await s.close();
    for (const p of pairs) await p.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void close());
  process.on('SIGINT', () => void close());
  process.stdout.write(`READY ${JSON.stringify(pairs.map((p) => p.gatewayPath))}\n`);
  setInterval(() => {}, 60_000);
}

interface EngineLine {
  port: ModemPort;
  engine: AtEngine;
  sms: SmsCommands;
}

async function openEngine(gatewayPath: string): Promise<EngineLine> {
  const line: Partial<EngineLine> = {};
  const engine = new AtEngine((d) => line.port?.write(d), { unsolicited: () => {} }, { defaultTimeoutMs: 10_000 });
  line.engine = engine;
  line.port = await openPort(gatewayPath, 115200, { data: (d) => engine.feed(d), closed: (why) => engine.close(why) });
  line.sms = new SmsCommands(engine, { commandMs: 10_000, sendMs: 10_000 });
  if (!(await engine.sync({ quietMs: 50 }))) throw new Error(`no answer to AT on ${gatewayPath}`);
  await engine.run({ command: 'ATE0' });
  await engine.run({ command: 'AT+CMGF=0' });
  return line as EngineLine;
}

async function sendAll(lines: EngineLine[], pdus: { pdu: string; tpduLength: number }[][]): Promise<void> {
  await Promise.all(
    lines.map(async (l, k) => {
      for (const p of pdus[k]!) await l.sms.send(p.pdu, p.tpduLength);
    }),
  );
}

async function engineRounds(tmp: string, modems: number, total: number, rounds: number): Promise<Figure> {
  const dir = path.join(tmp, `engine-${modems}`);
  mkdirSync(dir, { recursive: true });
  const sims: Child = startChild(
    'modem simulators',
    process.execPath,
    ['--import', 'tsx', path.join(REPO, 'bench/modem.ts'), '--serve-simulators', String(modems), '--dir', dir],
    { cwd: REPO },
  );
  try {
    const deadline = Date.now() + 30_000;
    let ready: RegExpExecArray | null = null;
    while (!(ready = /READY (.*)\n/.exec(sims.output()))) {
      if (sims.hasExited() || Date.now() > deadline) throw new Error(`the simulators did not start:\n${sims.output()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const paths = JSON.parse(ready[1]!) as string[];
    const lines = await Promise.all(paths.map(openEngine));
    try {
      const per = Math.floor(total / modems);
      // Encoding is outside the clock: this phase measures the line dialogue.
      const pdus = (n: number) =>
        lines.map((_, k) => Array.from({ length: n }, (__, i) => encodeSubmit({ to: recipient(k + 1, i), text: `bench message ${i}` })[0]!));
      await sendAll(lines, pdus(Math.min(per, 200)));
      const work = pdus(per);
      const out: Figure['rounds'] = [];
      for (let r = 0; r < rounds; r++) {
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        await sendAll(lines, work);
        const ms = performance.now() - t0;
        const cpu = process.cpuUsage(cpu0);
        out.push({ smsPerSecond: (per * modems * 1000) / ms, cpuMsPerSms: (cpu.user + cpu.system) / 1000 / (per * modems) });
        log(`(a) ${modems} modem(s), round ${r + 1}: ${round1(out.at(-1)!.smsPerSecond)} SMS/s`);
      }
      return figure(modems, per * modems, out);
    } finally {
      for (const l of lines) {
        l.engine.close();
        await l.port.close();
      }
    }
  } finally {
    await stopChild(sims);
  }
}

// --- (b) the whole gateway ------------------------------------------------------------------------

function writeConfig(dir: string, paths: string[]): string {
  const from = (p: string) => JSON.stringify(path.join(REPO, p));
  writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  const file = path.join(dir, 'nowsms.config.ts');
  const modems = paths
    .map((p, k) => `    gsmModem({ id: 'modem${k + 1}', path: ${JSON.stringify(p)}, recipients: ['+1555100${k + 1}*'], pollSeconds: 3600 }),`)
    .join('\n');
  writeFileSync(
    file,
    `// Written by bench/modem.ts.
import { defineConfig } from ${from('core/index.ts')};
import { gsmModem } from ${from('plugins/gsm-modem/index.ts')};
import { sqliteStore } from ${from('plugins/store-sqlite/index.ts')};

export default defineConfig({
  dataDir: ${JSON.stringify(path.join(dir, 'data'))},
  log: { level: 'warn' },
  plugins: [
    sqliteStore(),
${modems}
  ],
});
`,
  );
  return file;
}

/** Queue the messages with the gateway stopped, so that intake is not part of the measured run. */
async function queue(configFile: string, modems: number, total: number): Promise<void> {
  const gw = await Gateway.open(await loadConfig(configFile), { log: silentLogger() });
  try {
    const per = Math.floor(total / modems);
    const batch: NewMessage[] = [];
    for (let k = 1; k <= modems; k++) {
      for (let i = 0; i < per; i++) {
        batch.push({
          direction: 'MT',
          kind: 'sms',
          from: '+15550002222',
          to: recipient(k, i),
          parts: [{ contentType: 'text/plain; charset=utf-8', data: Buffer.from(`bench message ${i}`) }],
        });
        if (batch.length === 500) await gw.submit(batch.splice(0));
      }
    }
    if (batch.length) await gw.submit(batch.splice(0));
  } finally {
    await gw.stop();
  }
}

async function gatewayRound(tmp: string, modems: number, total: number, round: number): Promise<Figure['rounds'][number]> {
  const dir = path.join(tmp, `gateway-${modems}-${round}`);
  mkdirSync(dir, { recursive: true });
  const pairs: PtyPair[] = [];
  const sims: ModemSimulator[] = [];
  let gateway: Child | undefined;
  try {
    for (let k = 1; k <= modems; k++) {
      const pdir = path.join(dir, `modem${k}`);
      mkdirSync(pdir);
      const pair = await ptyPair(pdir);
      pairs.push(pair);
      sims.push(await ModemSimulator.attach(pair));
    }
    const config = writeConfig(
      dir,
      pairs.map((p) => p.gatewayPath),
    );
    const per = Math.floor(total / modems);
    await queue(config, modems, total);
    gateway = startChild('gateway (nowsms start)', process.execPath, [path.join(REPO, 'bin/nowsms.js'), 'start', '--config', config], { cwd: REPO });
    const sent = () => sims.reduce((n, s) => n + s.sent.length, 0);
    const deadline = Date.now() + 10 * 60_000;
    while (sent() === 0) {
      if (gateway.hasExited() || Date.now() > deadline) throw new Error(`the gateway sent nothing:\n${gateway.output()}`);
      await new Promise((r) => setTimeout(r, 2));
    }
    const cpuAtFirst = cpuMs(gateway.pid);
    while (sent() < per * modems) {
      if (gateway.hasExited() || Date.now() > deadline) throw new Error(`the gateway stopped after ${sent()} SMS:\n${gateway.output()}`);
      await new Promise((r) => setTimeout(r, 2));
    }
    const cpuAtLast = cpuMs(gateway.pid);
    const times = sims.flatMap((s) => s.sent.map((m) => m.at.getTime()));
    const span = Math.max(...times) - Math.min(...times);
    const n = per * modems;
    // The first SMS starts the clock, so n - 1 SMS fall within the span.
    return {
      smsPerSecond: ((n - 1) * 1000) / Math.max(span, 1),
      cpuMsPerSms: cpuAtFirst !== undefined && cpuAtLast !== undefined ? (cpuAtLast - cpuAtFirst) / (n - 1) : Number.NaN,
    };
  } finally {
    if (gateway) await stopChild(gateway);
    for (const s of sims) await s.close();
    for (const p of pairs) await p.close();
  }
}

async function gatewayRounds(tmp: string, modems: number, total: number, rounds: number): Promise<Figure> {
  const out: Figure['rounds'] = [];
  for (let r = 0; r < rounds; r++) {
    out.push(await gatewayRound(tmp, modems, total, r));
    log(`(b) ${modems} modem(s), round ${r + 1}: ${round1(out.at(-1)!.smsPerSecond)} SMS/s`);
  }
  return figure(modems, Math.floor(total / modems) * modems, out);
}

// --- main ----------------------------------------------------------------------------------------

async function main(): Promise<boolean> {
  const opts = options();
  if (!opts) return false;
  installCleanup();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'nowsms-bench-modem-'));
  const results: { engine: Figure[]; gateway: Figure[] } = { engine: [], gateway: [] };
  try {
    if (opts.a) for (const m of MODEM_COUNTS) results.engine.push(await engineRounds(tmp, m, opts.messages, opts.rounds));
    if (opts.b) for (const m of MODEM_COUNTS) results.gateway.push(await gatewayRounds(tmp, m, opts.gatewayMessages, opts.rounds));
  } finally {
    await stopAll();
    if (opts.keep) log(`kept ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
  if (opts.json) {
    process.stdout.write(JSON.stringify(results, null, 2) + '\n');
    return true;
  }
  const table = (title: string, rows: Figure[]) => {
    if (!rows.length) return;
    process.stdout.write(`\n${title}\n`);
    process.stdout.write(`  ${'modems'.padEnd(8)}${'SMS'.padStart(7)}${'SMS/s'.padStart(10)}${'CPU ms/SMS'.padStart(13)}   rounds (SMS/s)\n`);
    for (const f of rows) {
      process.stdout.write(
        `  ${String(f.modems).padEnd(8)}${String(f.sms).padStart(7)}${String(f.smsPerSecond).padStart(10)}${String(f.cpuMsPerSms).padStart(13)}   ${f.rounds.map((r) => round1(r.smsPerSecond)).join(', ')}\n`,
      );
    }
  };
  table('(a) AT engine alone: AT+CMGS / > / PDU / +CMGS over a socat pty, simulators in another process', results.engine);
  table('(b) gateway: queued MT -> dispatcher -> modem plug-in -> pty -> simulators (CPU of the gateway process)', results.gateway);
  process.stdout.write(`\n${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}\n`);
  return true;
}

const finished = await main().catch(async (e) => {
  process.stderr.write(`bench: ${(e as Error).stack ?? String(e)}\n`);
  await stopAll();
  process.exit(1);
});
// The simulators' process keeps running until SIGTERM; the benchmark itself is done.
if (finished) process.exit(0);
