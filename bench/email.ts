// The e-mail side of the gateway under load: SMTP intake against a bare smtp-server, the time from a 250 to
// the message being listed over POP3, and POP3 download against Dovecot. See bench/README.md.
//
//   npx tsx bench/email.ts [--messages N] [--clients C] [--samples S] [--json] [--keep]
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fillMaildir, startDovecot, writeDovecotConfig } from './lib/dovecot.ts';
import { addUser, REPO, startGateway, writeGatewayConfig } from './lib/gateway.ts';
import { latencyProbe, listUids, percentile, pop3Pass, type Pop3Pass } from './lib/phases.ts';
import { cpuMs, freePorts, installCleanup, peakRssKiB, startChild, stopAll, stopChild, waitForPort, type Child } from './lib/proc.ts';
import { smtpLoad, type LoadResult } from './lib/smtp-client.ts';

const HELP = `npx tsx bench/email.ts [options]

  --messages N   messages sent over SMTP and downloaded over POP3 (default 2000)
  --clients C    concurrent SMTP clients (default 8)
  --samples S    messages for the 250 -> retrievable latency (default min(200, N))
  --json         print the figures as JSON
  --keep         keep the temp dir (configs, data, logs) and print its path
  --cpu-prof     run the gateway under node --cpu-prof (implies --keep; the profile goes to <temp dir>/profile;
                 profiling slows the gateway, so the figures of such a run are not comparable)
`;

const ALICE = { name: 'alice', password: 'pw', recipient: '+15550002222' };
const BOB = { name: 'bob', password: 'pw', recipient: '+15550001111' };
const MAIL_FROM = 'alice@bench.localhost';
const TO_BOB = '15550001111@sms.localhost';
// Warm-up mail goes to alice's own number: it lands in her mailbox, so bob's holds exactly N.
const TO_ALICE = '15550002222@sms.localhost';

const SMTP_TARGET = 0.7;
const POP3_TARGET = 1.0;

function options() {
  const { values } = parseArgs({
    options: {
      messages: { type: 'string', default: '2000' },
      clients: { type: 'string', default: '8' },
      samples: { type: 'string' },
      json: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      'cpu-prof': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  const int = (name: string, v: string | undefined, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) {
      process.stderr.write(`bench: --${name} takes a whole number >= ${min}, not ${v}\n\n${HELP}`);
      process.exit(2);
    }
    return n;
  };
  const messages = int('messages', values.messages, 1);
  const clients = int('clients', values.clients, 1);
  const samples = values.samples === undefined ? Math.min(200, messages) : int('samples', values.samples, 1);
  const cpuProf = values['cpu-prof'];
  return { messages, clients, samples, json: values.json, keep: values.keep || cpuProf, cpuProf };
}

const progress = (text: string) => process.stderr.write(`bench: ${text}\n`);
const rate = (messages: number, ms: number) => (messages * 1000) / ms;
const clientCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** CPU milliseconds the server and this (client) process spent in fn, per message. */
async function measured<T>(server: Child | undefined, messages: number, fn: () => Promise<T>): Promise<{ result: T; serverCpuMsPerMsg?: number; clientCpuMsPerMsg: number }> {
  const s0 = server ? cpuMs(server.pid) : undefined;
  const c0 = clientCpu();
  const result = await fn();
  const c1 = clientCpu();
  const s1 = server ? cpuMs(server.pid) : undefined;
  const out: { result: T; serverCpuMsPerMsg?: number; clientCpuMsPerMsg: number } = { result, clientCpuMsPerMsg: (c1 - c0) / messages };
  if (s0 !== undefined && s1 !== undefined) out.serverCpuMsPerMsg = (s1 - s0) / messages;
  return out;
}

async function main(): Promise<number> {
  const o = options();
  installCleanup();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'nowsms-bench-'));
  // Dovecot's auth and mail processes run as other users and must get through to tmp/dovecot.
  chmodSync(tmp, 0o711);
  // Enough for V8 to optimise both servers' hot paths before the clock runs (a bare smtp-server is still speeding up after 2000).
  const warmup = Math.min(1000, Math.max(50, Math.round(o.messages / 2)));
  const [smtpPort, pop3Port, barePort, dovecotPort] = (await freePorts(4)) as [number, number, number, number];
  const load = (port: number, messages: number, rcptTo: string, first: number): Promise<LoadResult> =>
    smtpLoad({ port, clients: o.clients, messages, user: ALICE.name, password: ALICE.password, mailFrom: MAIL_FROM, rcptTo, first });

  try {
    // --- the gateway
    progress(`temp dir ${tmp}`);
    const gw = writeGatewayConfig(tmp, smtpPort, pop3Port);
    await addUser(gw, ALICE);
    await addUser(gw, BOB);
    const gateway = await startGateway(gw, o.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', path.join(tmp, 'profile')] : []);
    progress(`gateway pid ${gateway.pid}: SMTP ${smtpPort}, POP3 ${pop3Port}`);
    // The peak RSS so far after each step, to tell which step set the final figure.
    const hwm: Record<string, number | null> = {};
    const checkpoint = (step: string) => {
      const kib = peakRssKiB(gateway.pid);
      hwm[step] = kib === undefined ? null : Math.round(kib / 102.4) / 10;
    };
    checkpoint('started');

    // --- SMTP intake: the bare smtp-server first, then the gateway; same clients, same warm-up, same N
    const bare = startChild('bare smtp-server', process.execPath, ['--import', 'tsx', path.join(REPO, 'bench/lib/bare-smtp.ts'), String(barePort)], { cwd: REPO });
    await waitForPort(barePort, bare);
    progress(`bare smtp-server pid ${bare.pid}: warm-up ${warmup}, then ${o.messages} messages`);
    await load(barePort, warmup, TO_ALICE, 0);
    const bareRun = await measured(bare, o.messages, () => load(barePort, o.messages, TO_BOB, warmup));
    await stopChild(bare);

    progress(`gateway SMTP: warm-up ${warmup} (to alice), then ${o.messages} messages to bob`);
    await load(smtpPort, warmup, TO_ALICE, 0);
    const gwRun = await measured(gateway, o.messages, () => load(smtpPort, o.messages, TO_BOB, warmup));
    checkpoint('smtpIntake');
    progress(`gateway said: ${gwRun.result.sampleReply}`);

    // --- every 250 is a commit: one POP3 login right after the last 250 must list all N
    const listed = await listUids(pop3Port, BOB.name, BOB.password);
    checkpoint('firstPop3Login');
    if (listed.uids.length !== o.messages) throw new Error(`after the last 250, POP3 lists ${listed.uids.length} messages for bob, not ${o.messages}`);
    progress(`POP3 lists all ${o.messages} right after the last 250 (first login took ${listed.ms.toFixed(0)} ms)`);

    // --- POP3 download: warm-up pass (which also fetches the bytes for Dovecot), then the measured pass
    progress('gateway POP3: warm-up pass, then measured pass');
    const gwWarm = await pop3Pass(pop3Port, BOB.name, BOB.password, true);
    if (gwWarm.messages !== o.messages) throw new Error(`POP3 STAT says ${gwWarm.messages} messages for bob, not ${o.messages}`);
    const gwPop = await measured(gateway, o.messages, () => pop3Pass(pop3Port, BOB.name, BOB.password, false));
    checkpoint('pop3Passes');

    const dv = writeDovecotConfig(path.join(tmp, 'dovecot'), dovecotPort, [{ name: BOB.name, password: BOB.password }]);
    fillMaildir(dv, BOB.name, gwWarm.bodies!);
    const dovecot = await startDovecot(dv);
    progress(`dovecot pid ${dovecot.pid}: POP3 ${dovecotPort}, warm-up pass (checks the bytes), then measured pass`);
    let dvPop: Awaited<ReturnType<typeof measured<Pop3Pass>>>;
    try {
      const dvWarm = await pop3Pass(dovecotPort, BOB.name, BOB.password, true);
      const mismatch = dvWarm.bodies!.findIndex((b, i) => !b.equals(gwWarm.bodies![i]!));
      if (dvWarm.messages !== o.messages || mismatch >= 0) {
        throw new Error(`Dovecot does not serve the gateway's bytes: ${dvWarm.messages} messages, first difference at message ${mismatch + 1}`);
      }
      dvPop = await measured(undefined, o.messages, () => pop3Pass(dovecotPort, BOB.name, BOB.password, false));
    } finally {
      await stopChild(dovecot);
    }

    // --- 250 -> retrievable, one message at a time
    progress(`latency: ${o.samples} messages, one at a time, each polled over POP3 until listed`);
    const lat = await latencyProbe({
      smtpPort,
      pop3Port,
      sender: { user: ALICE.name, password: ALICE.password, mailFrom: MAIL_FROM },
      receiver: { user: BOB.name, password: BOB.password },
      rcptTo: TO_BOB,
      samples: o.samples,
      first: warmup + o.messages,
    });

    checkpoint('latencyProbe');
    const rssKiB = peakRssKiB(gateway.pid);
    await stopChild(gateway);
    if (gateway.output().trim()) progress(`gateway output (warn and above):\n${gateway.output().trimEnd()}`);

    const smtpGw = rate(o.messages, gwRun.result.elapsedMs);
    const smtpBare = rate(o.messages, bareRun.result.elapsedMs);
    const popGw = rate(o.messages, gwPop.result.elapsedMs);
    const popDv = rate(o.messages, dvPop.result.elapsedMs);
    const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
    const figures = {
      messages: o.messages,
      clients: o.clients,
      smtp: { gatewayMsgPerSec: round(smtpGw), bareSmtpServerMsgPerSec: round(smtpBare), ratio: round(smtpGw / smtpBare, 2), target: SMTP_TARGET },
      retrievableMs: {
        p50: round(percentile(lat.latenciesMs, 0.5), 2),
        p99: round(percentile(lat.latenciesMs, 0.99), 2),
        samples: lat.latenciesMs.length,
        listedByFirstPoll: lat.firstPollHits,
        method: 'after the load: one message at a time, time of the UIDL listing it minus time of its 250',
      },
      pop3: { gatewayMsgPerSec: round(popGw), dovecotMsgPerSec: round(popDv), ratio: round(popGw / popDv, 2), target: POP3_TARGET },
      gatewayPeakRssMiB: rssKiB === undefined ? null : round(rssKiB / 1024),
      details: {
        warmupMessages: warmup,
        smtpElapsedMs: { gateway: round(gwRun.result.elapsedMs), bare: round(bareRun.result.elapsedMs) },
        serverCpuMsPerMessage: {
          gatewaySmtp: gwRun.serverCpuMsPerMsg === undefined ? null : round(gwRun.serverCpuMsPerMsg, 3),
          bareSmtp: bareRun.serverCpuMsPerMsg === undefined ? null : round(bareRun.serverCpuMsPerMsg, 3),
          gatewayPop3: gwPop.serverCpuMsPerMsg === undefined ? null : round(gwPop.serverCpuMsPerMsg, 3),
        },
        clientCpuMsPerMessage: {
          smtpGateway: round(gwRun.clientCpuMsPerMsg, 3),
          smtpBare: round(bareRun.clientCpuMsPerMsg, 3),
          pop3Gateway: round(gwPop.clientCpuMsPerMsg, 3),
          pop3Dovecot: round(dvPop.clientCpuMsPerMsg, 3),
        },
        pop3LoginMs: { gateway: round(gwPop.result.loginMs, 2), dovecot: round(dvPop.result.loginMs, 2), gatewayFirstAfterIntake: round(listed.ms, 1) },
        pop3BytesPerPass: gwPop.result.bytes,
        gatewayPeakRssMiBAfter: hwm,
        latencyLockRetries: lat.lockRetries,
      },
    };

    if (o.json) {
      process.stdout.write(JSON.stringify(figures, null, 2) + '\n');
    } else {
      const f = (n: number, d = 0) => n.toFixed(d);
      const rows: Array<[string, string]> = [
        ['SMTP msg/s, gateway', f(smtpGw)],
        ['SMTP msg/s, bare smtp-server', f(smtpBare)],
        ['SMTP ratio gateway/bare', `${f(smtpGw / smtpBare, 2)}x  (target >= ${SMTP_TARGET}x)`],
        ['250 -> retrievable p50', `${f(figures.retrievableMs.p50, 2)} ms`],
        ['250 -> retrievable p99', `${f(figures.retrievableMs.p99, 2)} ms  (${lat.latenciesMs.length} samples, ${lat.firstPollHits} listed by the first poll)`],
        ['POP3 msg/s, gateway', f(popGw)],
        ['POP3 msg/s, Dovecot', f(popDv)],
        ['POP3 ratio gateway/Dovecot', `${f(popGw / popDv, 2)}x  (target >= ${POP3_TARGET}x)`],
        ['gateway peak RSS', rssKiB === undefined ? 'n/a' : `${f(rssKiB / 1024, 1)} MiB`],
        ['messages (N)', String(o.messages)],
        ['SMTP clients (C)', String(o.clients)],
      ];
      const width = Math.max(...rows.map(([k]) => k.length));
      process.stdout.write(rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n') + '\n');
    }
    return 0;
  } finally {
    await stopAll();
    if (o.keep) progress(`kept ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench: failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
