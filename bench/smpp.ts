// The SMPP side of the gateway under load. Prints figures; asserts nothing about speed.
//   (a) intake: submit_sm from a windowed client, committed and answered, against a bare `smpp` server that
//       answers without storing (the library's own limit), interleaved rounds in the same run;
//   (b) end to end: SMPP in -> store -> SMPP client out to a sink SMSC, msg/s and latency percentiles,
//       beside Kannel (smsbox sendsms -> bearerbox with its store file -> the same sink);
//   (c) restart with a queue: RSS with Q messages queued and the time from process start until the first
//       one reaches the SMSC, for the gateway and for Kannel's bearerbox.
//
//   npx tsx bench/smpp.ts [--messages N] [--window W] [--rounds R] [--queued Q] [--only a,b,c] [--no-kannel] [--receipts] [--json] [--keep]
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { REPO } from './lib/gateway.ts';
import { percentile } from './lib/phases.ts';
import { cpuMs, freePorts, installCleanup, peakRssKiB, rssKiB, selfCpuMs, startChild, stopAll, stopChild, waitForPort, type Child } from './lib/proc.ts';
import { BENCH_USER, startSmppGateway, writeSmppGatewayConfig } from './lib/smpp-gateway.ts';
import { BEARERBOX, sendsmsLoad, startKannel, writeKannelConfig } from './lib/smpp-kannel.ts';
import { smppLoad } from './lib/smpp-load.ts';
import { startSink, type Sink } from './lib/smpp-sink.ts';
import { storeCeiling } from './lib/store-ceiling.ts';
import { benchArgs, wholeNumber } from './lib/args.ts';
import { median, progress, round, until } from './lib/figures.ts';

const HELP = `npx tsx bench/smpp.ts [options]

  --messages N   messages per measured round in (a) and (b) (default 10000)
  --window W     submit_sm in flight from the load client; also the sink-side window (default 50)
  --rounds R     measured rounds per server, interleaved; the median is reported (default 3)
  --queued Q     messages queued before the restart in (c) (default 100000)
  --only LIST    phases to run, e.g. a,c (default a,b,c)
  --no-kannel    leave Kannel out of (b) and (c)
  --receipts     in (b), every message asks for a delivery receipt, which the sink sends; the run ends when
                 every receipt has been processed (the gateway answered its deliver_sm; Kannel called its dlr-url)
  --json         print the figures as JSON
  --keep         keep the temp dir (configs, data, logs) and print its path
`;

function options() {
  const values = benchArgs(HELP, {
    messages: { type: 'string', default: '10000' },
    window: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '3' },
    queued: { type: 'string', default: '100000' },
    only: { type: 'string', default: 'a,b,c' },
    'no-kannel': { type: 'boolean', default: false },
    receipts: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  });
  const int = wholeNumber(HELP);
  const only = new Set(values.only.split(',').map((s) => s.trim()));
  return {
    messages: int('messages', values.messages, 1),
    window: int('window', values.window, 1),
    rounds: int('rounds', values.rounds, 1),
    queued: int('queued', values.queued, 1),
    phases: { a: only.has('a'), b: only.has('b'), c: only.has('c') },
    kannel: !values['no-kannel'] && existsSync(BEARERBOX),
    receipts: values.receipts,
    json: values.json,
    keep: values.keep,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const mib = (kib: number | undefined) => (kib === undefined ? null : round(kib / 1024));

// ---- (a) intake -------------------------------------------------------------------------------------

async function intake(o: ReturnType<typeof options>, tmp: string) {
  const [smtp, pop3, smpp, bare] = (await freePorts(4)) as [number, number, number, number];
  const setup = writeSmppGatewayConfig(path.join(tmp, 'a-gateway'), { smtp, pop3, smpp });
  const gateway = await startSmppGateway(setup);
  const bareChild: Child = startChild('bare smpp server', process.execPath, ['--import', 'tsx', path.join(REPO, 'bench/lib/smpp-bare.ts'), String(bare)], {
    cwd: REPO,
  });
  await waitForPort(bare, bareChild);
  const cpu = { gateway: [] as number[], bare: [] as number[], client: [] as number[] };
  const load = async (port: number, server: Child, messages: number, into?: { rate: number[]; cpu: number[] }) => {
    const s0 = cpuMs(server.pid);
    const c0 = selfCpuMs();
    const r = await smppLoad({ port, systemId: BENCH_USER.name, password: BENCH_USER.password, messages, window: o.window });
    const s1 = cpuMs(server.pid);
    if (r.refused.size) throw new Error(`submits refused: ${JSON.stringify([...r.refused])}`);
    if (into) {
      into.rate.push((messages * 1000) / r.elapsedMs);
      if (s0 !== undefined && s1 !== undefined) into.cpu.push(((s1 - s0) * 1000) / messages);
      cpu.client.push(((selfCpuMs() - c0) * 1000) / messages);
    }
  };
  progress(`(a) warm-up, ${o.messages} messages each`);
  await load(smpp, gateway, o.messages);
  await load(bare, bareChild, o.messages);
  const runs = { gateway: [] as number[], bare: [] as number[] };
  for (let i = 0; i < o.rounds; i++) {
    progress(`(a) round ${i + 1}/${o.rounds}`);
    await load(smpp, gateway, o.messages, { rate: runs.gateway, cpu: cpu.gateway });
    await load(bare, bareChild, o.messages, { rate: runs.bare, cpu: cpu.bare });
  }
  await stopChild(gateway);
  await stopChild(bareChild);
  const store: number[] = [];
  for (let i = 0; i < o.rounds; i++) {
    progress(`(a) the store alone, round ${i + 1}/${o.rounds}`);
    store.push(await storeCeiling(path.join(tmp, `a-store-${i}`), o.messages, o.window));
  }
  const g = median(runs.gateway);
  const b = median(runs.bare);
  return {
    gatewayMsgPerSec: round(g),
    bareMsgPerSec: round(b),
    ratio: round(g / b, 2),
    target: 0.7,
    /** The store alone committing batches of `window` one after another: the ceiling for any server that answers after its commit. */
    storeAloneMsgPerSec: round(median(store)),
    /** CPU time per message, all threads of the process, in microseconds (the client: the benchmark process). */
    cpuUsPerMsg: { gateway: round(median(cpu.gateway)), bare: round(median(cpu.bare)), client: round(median(cpu.client)) },
    rounds: { gateway: runs.gateway.map((x) => round(x)), bare: runs.bare.map((x) => round(x)) },
  };
}

// ---- (b) end to end ---------------------------------------------------------------------------------

interface E2eRun {
  msgPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU time of the server's processes per message, in microseconds. */
  cpuUsPerMsg: number | undefined;
  /** With receipts: msg/s from the first submit until the last receipt was processed. */
  withReceiptsMsgPerSec: number | undefined;
}

/** CPU time of these processes together, in milliseconds. */
function cpuOf(children: Child[]): number | undefined {
  let total = 0;
  for (const c of children) {
    const ms = cpuMs(c.pid);
    if (ms === undefined) return undefined;
    total += ms;
  }
  return total;
}

/** Send through `send`, wait for every tag at the sink, and measure from first send to last arrival. */
async function endToEnd(
  sink: Sink,
  messages: number,
  firstTag: number,
  servers: Child[],
  send: () => Promise<Float64Array>,
  /** With receipts: how many have been processed so far. */
  receiptsProcessed?: () => number,
): Promise<E2eRun> {
  const cpu0 = cpuOf(servers);
  const receipts0 = receiptsProcessed?.() ?? 0;
  const arrived = new Float64Array(messages);
  let count = 0;
  sink.onArrival = (tag, at) => {
    if (tag === undefined || tag < firstTag || tag >= firstTag + messages) return;
    if (arrived[tag - firstTag] === 0) count++;
    arrived[tag - firstTag] = at;
  };
  const sentAt = await send();
  await until(() => count === messages, `${messages} messages at the sink (have ${count})`, 300_000);
  sink.onArrival = undefined;
  let receiptsDoneAt: number | undefined;
  if (receiptsProcessed) {
    await until(() => receiptsProcessed() - receipts0 >= messages, `${messages} receipts processed`, 300_000);
    receiptsDoneAt = performance.now();
  }
  const cpu1 = cpuOf(servers);
  const latencies = Array.from(arrived, (a, i) => a - sentAt[i]!);
  const first = Math.min(...sentAt);
  const last = Math.max(...arrived);
  return {
    msgPerSec: (messages * 1000) / (last - first),
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    cpuUsPerMsg: cpu0 === undefined || cpu1 === undefined ? undefined : ((cpu1 - cpu0) * 1000) / messages,
    withReceiptsMsgPerSec: receiptsDoneAt === undefined ? undefined : (messages * 1000) / (receiptsDoneAt - first),
  };
}

function e2eSummary(runs: E2eRun[]) {
  return {
    msgPerSec: round(median(runs.map((r) => r.msgPerSec))),
    p50Ms: round(median(runs.map((r) => r.p50Ms))),
    p99Ms: round(median(runs.map((r) => r.p99Ms))),
    cpuUsPerMsg: runs.every((r) => r.cpuUsPerMsg !== undefined) ? round(median(runs.map((r) => r.cpuUsPerMsg!))) : null,
    withReceiptsMsgPerSec: runs.every((r) => r.withReceiptsMsgPerSec !== undefined) ? round(median(runs.map((r) => r.withReceiptsMsgPerSec!))) : null,
    rounds: runs.map((r) => ({ msgPerSec: round(r.msgPerSec), p50Ms: round(r.p50Ms), p99Ms: round(r.p99Ms) })),
  };
}

async function e2e(o: ReturnType<typeof options>, tmp: string) {
  const [smtp, pop3, smpp, sinkPort, admin, smsbox, sendsms] = (await freePorts(7)) as [number, number, number, number, number, number, number];
  const sink = await startSink(sinkPort);
  const setup = writeSmppGatewayConfig(path.join(tmp, 'b-gateway'), { smtp, pop3, smpp, sinkPort, sinkWindow: o.window, receipts: o.receipts });
  const gateway = await startSmppGateway(setup);
  await until(() => sink.binds >= 1, 'the gateway to bind to the sink', 30_000);
  // The gateway has processed a receipt when it answered the sink's deliver_sm (after its commit).
  const gatewayReceipts = o.receipts ? () => sink.receiptsAnswered : undefined;
  // Kannel has when smsbox called the dlr-url.
  let kannelDlrs = 0;
  const dlrServer = o.receipts && o.kannel ? await listenForDlrs(() => kannelDlrs++) : undefined;
  let tag = 0;
  const viaGateway = async (messages: number) => {
    const first = tag;
    tag += messages;
    return endToEnd(
      sink,
      messages,
      first,
      [gateway],
      async () => {
        const r = await smppLoad({ port: smpp, systemId: BENCH_USER.name, password: BENCH_USER.password, messages, window: o.window, firstTag: first });
        if (r.refused.size) throw new Error(`submits refused: ${JSON.stringify([...r.refused])}`);
        return r.sentAt;
      },
      gatewayReceipts,
    );
  };
  let kannel: Child[] = [];
  let viaKannel: ((messages: number) => Promise<E2eRun>) | undefined;
  if (o.kannel) {
    const dir = path.join(tmp, 'b-kannel');
    mkdirSync(dir, { recursive: true });
    const binds = sink.binds;
    kannel = await startKannel(writeKannelConfig(dir, { admin, smsbox, sendsms, sinkPort, window: o.window }), dir);
    await until(() => sink.binds > binds, 'Kannel to bind to the sink', 30_000);
    viaKannel = async (messages: number) => {
      const first = tag;
      tag += messages;
      return endToEnd(
        sink,
        messages,
        first,
        kannel,
        async () => {
          const r = await sendsmsLoad(sendsms, messages, o.window, first, dlrServer?.url);
          if (r.failed) throw new Error(`${r.failed} sendsms requests failed`);
          return r.sentAt;
        },
        dlrServer ? () => kannelDlrs : undefined,
      );
    };
  }
  const warm = Math.min(2000, o.messages);
  progress(`(b) warm-up, ${warm} messages each`);
  await viaGateway(warm);
  if (viaKannel) await viaKannel(warm);
  const runs = { gateway: [] as E2eRun[], kannel: [] as E2eRun[] };
  for (let i = 0; i < o.rounds; i++) {
    progress(`(b) round ${i + 1}/${o.rounds}`);
    runs.gateway.push(await viaGateway(o.messages));
    if (viaKannel) runs.kannel.push(await viaKannel(o.messages));
  }
  await stopChild(gateway);
  for (const k of kannel) await stopChild(k);
  await sink.close();
  dlrServer?.server.close();
  return { receipts: o.receipts, gateway: e2eSummary(runs.gateway), ...(viaKannel ? { kannel: e2eSummary(runs.kannel) } : {}) };
}

/** An HTTP server for Kannel's dlr-url: counts the calls, answers 200. */
async function listenForDlrs(onDlr: () => void): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer((req, res) => {
    onDlr();
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}/dlr?type=%d` };
}

// ---- (c) restart with a queue -----------------------------------------------------------------------

interface RestartFigures {
  queued: number;
  /** How fast the queue was filled (the server's intake with the SMSC down). */
  fillMsgPerSec: number;
  /** From spawning the process to the first submit_sm at the SMSC. */
  firstSendMs: number;
  rssAtFirstSendMiB: number | null;
  /** Two seconds later, while sending. */
  rssSendingMiB: number | null;
  peakRssMiB: number | null;
  /** Messages at the SMSC in the first five seconds after the first. */
  sentInFiveSeconds: number;
}

async function measureRestart(sink: Sink, start: () => Promise<Child>): Promise<Omit<RestartFigures, 'queued' | 'fillMsgPerSec'>> {
  const before = sink.received;
  let firstAt: number | undefined;
  sink.onArrival = (_tag, at) => (firstAt ??= at);
  const t0 = performance.now();
  const child = await start();
  await until(() => firstAt !== undefined, 'the first message after the restart', 600_000);
  const rssAtFirstSend = rssKiB(child.pid);
  await sleep(2000);
  const rssSending = rssKiB(child.pid);
  await sleep(3000);
  const sent = sink.received - before;
  const peak = peakRssKiB(child.pid);
  sink.onArrival = undefined;
  await stopChild(child);
  return {
    firstSendMs: round(firstAt! - t0),
    rssAtFirstSendMiB: mib(rssAtFirstSend),
    rssSendingMiB: mib(rssSending),
    peakRssMiB: mib(peak),
    sentInFiveSeconds: sent,
  };
}

async function restart(o: ReturnType<typeof options>, tmp: string) {
  const [smtp, pop3, smpp, sinkPort, admin, smsbox, sendsms] = (await freePorts(7)) as [number, number, number, number, number, number, number];
  const out: { gateway?: RestartFigures; kannel?: RestartFigures } = {};

  // The SMSC is down while the queue fills: everything accepted stays queued.
  const setup = writeSmppGatewayConfig(path.join(tmp, 'c-gateway'), { smtp, pop3, smpp, sinkPort, sinkWindow: o.window });
  progress(`(c) gateway: queueing ${o.queued} messages with the SMSC down`);
  let child = await startSmppGateway(setup);
  const fill = await smppLoad({ port: smpp, systemId: BENCH_USER.name, password: BENCH_USER.password, messages: o.queued, window: Math.max(o.window, 200) });
  if (fill.refused.size) throw new Error(`submits refused while filling: ${JSON.stringify([...fill.refused])}`);
  await stopChild(child);
  const sink = await startSink(sinkPort);
  progress('(c) gateway: restarting with the SMSC up');
  out.gateway = {
    queued: o.queued,
    fillMsgPerSec: round((o.queued * 1000) / fill.elapsedMs),
    ...(await measureRestart(sink, () => startSmppGateway(setup))),
  };

  if (o.kannel) {
    await sink.close();
    const dir = path.join(tmp, 'c-kannel');
    mkdirSync(dir, { recursive: true });
    const kset = writeKannelConfig(dir, { admin, smsbox, sendsms, sinkPort, window: o.window });
    progress(`(c) Kannel: queueing ${o.queued} messages with the SMSC down`);
    const [smsboxChild, bearerbox] = await startKannel(kset, dir);
    const kfill = await sendsmsLoad(sendsms, o.queued, Math.max(o.window, 50), 0);
    if (kfill.failed) throw new Error(`${kfill.failed} sendsms requests failed while filling`);
    await stopChild(smsboxChild!);
    await stopChild(bearerbox!);
    const ksink = await startSink(sinkPort);
    progress('(c) Kannel: restarting bearerbox with the SMSC up');
    out.kannel = {
      queued: o.queued,
      fillMsgPerSec: round((o.queued * 1000) / kfill.elapsedMs),
      ...(await measureRestart(ksink, async () => {
        child = startChild('bearerbox', BEARERBOX, [kset.config], { cwd: dir });
        await waitForPort(kset.smsboxPort, child, 600_000);
        return child;
      })),
    };
    await ksink.close();
  } else await sink.close();
  return out;
}

// ---- report -----------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const o = options();
  installCleanup();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'nowsms-bench-smpp-'));
  if (!o.keep) process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
  const figures: Record<string, unknown> = { messages: o.messages, window: o.window, rounds: o.rounds, cpus: os.cpus().length, node: process.version };
  try {
    if (o.phases.a) figures.intake = await intake(o, tmp);
    if (o.phases.b) figures.endToEnd = await e2e(o, tmp);
    if (o.phases.c) figures.restart = await restart(o, tmp);
  } catch (err) {
    progress(`failed: ${(err as Error).stack ?? String(err)}`);
    await stopAll();
    return 1;
  } finally {
    await stopAll();
    if (o.keep) progress(`kept ${tmp}`);
  }
  if (o.json) process.stdout.write(JSON.stringify(figures, null, 2) + '\n');
  else process.stdout.write(report(figures));
  return 0;
}

function report(f: Record<string, unknown>): string {
  const lines = [`SMPP benchmark: ${f.messages} messages per round, window ${f.window}, median of ${f.rounds} rounds, ${f.cpus} CPUs, node ${f.node}`];
  const a = f.intake as Awaited<ReturnType<typeof intake>> | undefined;
  if (a) {
    lines.push('', '(a) intake, submit_sm committed and answered');
    lines.push(`  gateway          ${a.gatewayMsgPerSec} msg/s   (rounds ${a.rounds.gateway.join(', ')})`);
    lines.push(`  bare smpp server ${a.bareMsgPerSec} msg/s   (rounds ${a.rounds.bare.join(', ')})`);
    lines.push(`  ratio            ${a.ratio}x   (target ${a.target}x)`);
    lines.push(
      `  store alone      ${a.storeAloneMsgPerSec} msg/s = ${round(a.storeAloneMsgPerSec / a.bareMsgPerSec, 2)}x   (commits of ${f.window} awaited one by one, no SMPP)`,
    );
    lines.push(`  CPU per message  gateway ${a.cpuUsPerMsg.gateway} us, bare server ${a.cpuUsPerMsg.bare} us, load client ${a.cpuUsPerMsg.client} us`);
  }
  const b = f.endToEnd as Awaited<ReturnType<typeof e2e>> | undefined;
  if (b) {
    lines.push('', `(b) end to end to a sink SMSC${b.receipts ? ', every message with a delivery receipt' : ''}`);
    const row = (name: string, s: ReturnType<typeof e2eSummary>) =>
      `  ${name.padEnd(16)} ${s.msgPerSec} msg/s   p50 ${s.p50Ms} ms   p99 ${s.p99Ms} ms   CPU ${s.cpuUsPerMsg ?? '?'} us/msg` +
      (s.withReceiptsMsgPerSec !== null ? `   with receipts ${s.withReceiptsMsgPerSec} msg/s` : '');
    lines.push(row('gateway (SMPP)', b.gateway));
    if (b.kannel) lines.push(row('Kannel (sendsms)', b.kannel));
  }
  const c = f.restart as Awaited<ReturnType<typeof restart>> | undefined;
  if (c) {
    lines.push('', `(c) restart with ${c.gateway?.queued ?? c.kannel?.queued} messages queued`);
    const row = (name: string, r: RestartFigures) =>
      `  ${name.padEnd(16)} first send after ${r.firstSendMs} ms   RSS ${r.rssAtFirstSendMiB} MiB then ${r.rssSendingMiB} MiB (peak ${r.peakRssMiB})   ${r.sentInFiveSeconds} sent in 5 s   (filled at ${r.fillMsgPerSec} msg/s)`;
    if (c.gateway) lines.push(row('gateway', c.gateway));
    if (c.kannel) lines.push(row('Kannel bearerbox', c.kannel));
  }
  return lines.join('\n') + '\n';
}

process.exitCode = await main();
