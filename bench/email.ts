// The e-mail side of the gateway under load: SMTP intake against a bare smtp-server, Postfix and the store
// alone, the time from a 250 to the message being listed over POP3, and POP3 download against Dovecot.
// See bench/README.md.
//
//   npx tsx bench/email.ts [--messages N] [--clients C] [--rounds R] [--samples S] [--json] [--keep] [--cpu-prof]
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fillMaildir, startDovecot, writeDovecotConfig } from './lib/dovecot.ts';
import { addUser, REPO, startGateway, writeGatewayConfig } from './lib/gateway.ts';
import { latencyProbe, listUids, percentile, pop3Pass } from './lib/phases.ts';
import { delivered, POSTFIX, postfixInstalled, startPostfix, tail, writePostfixConfig } from './lib/postfix.ts';
import { newMessageId, type CommitItem } from '../core/index.ts';
import { openStoreBench } from './lib/store-ceiling.ts';
import { cpuMs, freePorts, treeCpuMs, installCleanup, peakRssKiB, selfCpuMs, startChild, stopAll, stopChild, waitForPort, type Child } from './lib/proc.ts';
import { smtpLoad } from './lib/smtp-client.ts';
import { benchArgs, wholeNumber } from './lib/args.ts';
import { median, progress, round } from './lib/figures.ts';

const HELP = `npx tsx bench/email.ts [options]

  --messages N   messages per SMTP run and in the POP3 mailbox (default 2000)
  --clients C    concurrent SMTP clients (default 8)
  --rounds R     measured runs per server, interleaved; the median is reported (default 5)
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
// Warm-up mail and the SMTP rounds after the first go to alice's own number: the same path (a user's
// mailbox), but bob's mailbox then holds exactly the N messages of the first round.
const TO_ALICE = '15550002222@sms.localhost';

const SMTP_TARGET = 0.7;
const POSTFIX_TARGET = 4;
const STORE_TARGET = 0.7;
const POP3_TARGET = 1.0;

function options() {
  const values = benchArgs(HELP, {
    messages: { type: 'string', default: '2000' },
    clients: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '5' },
    samples: { type: 'string' },
    json: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
  });
  const int = wholeNumber(HELP);
  const messages = int('messages', values.messages, 1);
  const clients = int('clients', values.clients, 1);
  const rounds = int('rounds', values.rounds, 1);
  const samples = values.samples === undefined ? Math.min(200, messages) : int('samples', values.samples, 1);
  const cpuProf = values['cpu-prof'];
  return { messages, clients, rounds, samples, json: values.json, keep: values.keep || cpuProf, cpuProf };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rate = (messages: number, ms: number) => (messages * 1000) / ms;

/** What the gateway commits for one bench mail to bob: an SMS from alice into bob's mailbox. */
function storeItem(i: number): CommitItem {
  return {
    message: {
      id: newMessageId(),
      direction: 'MT',
      kind: 'sms',
      from: ALICE.recipient,
      to: BOB.recipient,
      user: ALICE.name,
      via: 'smtp',
      receivedAt: new Date(),
      parts: [{ contentType: 'text/plain; charset=utf-8', data: Buffer.from(`bench ${i}\nBenchmark message ${i}: a short text, as an SMS would be.`) }],
      meta: { mailFrom: MAIL_FROM, emailMessageId: `<bench-${i}-${process.pid}@bench.localhost>` },
    },
    target: { kind: 'mailbox', user: BOB.name },
  };
}

interface Run {
  msgPerSec: number;
  elapsedMs: number;
  /** CPU the server used during the run, per message (all its threads; for Dovecot all its processes). */
  serverCpuMsPerMsg: number | null;
  /** CPU this process (the clients) used during the run, per message. */
  clientCpuMsPerMsg: number;
}

/** Time fn (it returns its own elapsed ms, so set-up outside the clock is excluded) and the CPU both sides used. */
async function measured(serverCpu: () => number | undefined, messages: number, fn: () => Promise<number>): Promise<Run> {
  const s0 = serverCpu();
  const c0 = selfCpuMs();
  const elapsedMs = await fn();
  const c1 = selfCpuMs();
  // Let a server process that ended with the session be reaped, so its CPU is counted.
  await sleep(50);
  const s1 = serverCpu();
  return {
    msgPerSec: rate(messages, elapsedMs),
    elapsedMs,
    serverCpuMsPerMsg: s0 === undefined || s1 === undefined ? null : (s1 - s0) / messages,
    clientCpuMsPerMsg: (c1 - c0) / messages,
  };
}

function summary(runs: Run[]) {
  const pick = (f: (r: Run) => number | null) => {
    const xs = runs.map(f).filter((x): x is number => x !== null);
    return xs.length ? round(median(xs), 3) : null;
  };
  return {
    msgPerSec: round(median(runs.map((r) => r.msgPerSec))),
    rounds: runs.map((r) => round(r.msgPerSec)),
    serverCpuMsPerMsg: pick((r) => r.serverCpuMsPerMsg),
    clientCpuMsPerMsg: pick((r) => r.clientCpuMsPerMsg),
  };
}

async function main(): Promise<number> {
  const o = options();
  installCleanup();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'nowsms-bench-'));
  // Dovecot's auth and mail processes run as other users and must get through to tmp/dovecot.
  chmodSync(tmp, 0o711);
  // Also on Ctrl-C, which exits without reaching the finally below.
  if (!o.keep) process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
  // As much as one measured round (so V8 has optimised both servers' hot paths before the clock runs).
  const warmup = Math.max(200, o.messages);
  const [smtpPort, pop3Port, barePort, dovecotPort, postfixPort] = (await freePorts(5)) as [number, number, number, number, number];
  let nextId = 0;
  const alice = { user: ALICE.name, password: ALICE.password };
  /** Postfix takes mail without AUTH: the same client skips it. */
  const load = async (port: number, rcptTo: string, messages = o.messages, login: typeof alice | null = alice): Promise<number> => {
    const first = nextId;
    nextId += messages;
    const r = await smtpLoad({ port, clients: o.clients, messages, ...(login ? { login } : {}), mailFrom: MAIL_FROM, rcptTo, first });
    return r.elapsedMs;
  };

  try {
    // --- the gateway, and the bare smtp-server beside it
    progress(`temp dir ${tmp}`);
    const gw = writeGatewayConfig(tmp, smtpPort, pop3Port);
    await addUser(gw, ALICE);
    await addUser(gw, BOB);
    const gateway = await startGateway(gw, o.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', path.join(tmp, 'profile')] : []);
    progress(`gateway pid ${gateway.pid}: SMTP ${smtpPort}, POP3 ${pop3Port}`);
    const gatewayCpu = () => cpuMs(gateway.pid);
    // The peak RSS so far after each step, to tell which step set the final figure.
    const peakAfter: Record<string, number | null> = {};
    const checkpoint = (step: string) => {
      const kib = peakRssKiB(gateway.pid);
      peakAfter[step] = kib === undefined ? null : round(kib / 1024);
    };
    checkpoint('start');

    const bare: Child = startChild('bare smtp-server', process.execPath, ['--import', 'tsx', path.join(REPO, 'bench/lib/bare-smtp.ts'), String(barePort)], {
      cwd: REPO,
    });
    await waitForPort(barePort, bare);
    progress(`bare smtp-server pid ${bare.pid}: SMTP ${barePort}`);

    let postfix: Child | undefined;
    const pf = postfixInstalled() ? writePostfixConfig(path.join(tmp, 'postfix'), postfixPort, 'sms.localhost') : undefined;
    if (pf) {
      postfix = await startPostfix(pf);
      progress(`postfix master pid ${postfix.pid}: SMTP ${postfixPort}`);
    } else progress(`no Postfix (${POSTFIX} is absent): its row is left out; apt-get install postfix to have it`);
    let postfixSent = 0;
    /**
     * Postfix delivers to the Maildir after its 250s: wait for that before anything else is measured (the run
     * also fails if a mail Postfix accepted never lands, which would say its row measures something else).
     */
    const postfixLoad = async (messages: number): Promise<number> => {
      const ms = await load(postfixPort, TO_BOB, messages, null);
      postfixSent += messages;
      const deadline = Date.now() + 60_000;
      while (delivered(pf!) < postfixSent && Date.now() < deadline) await sleep(20);
      if (delivered(pf!) < postfixSent)
        throw new Error(`Postfix delivered ${delivered(pf!)} of its ${postfixSent} mails to the Maildir within 60 s:\n${tail(pf!.log)}`);
      return ms;
    };
    const store = await openStoreBench(path.join(tmp, 'store-alone'));

    // --- SMTP intake: same clients, same warm-up, same N; rounds interleaved bare, gateway, Postfix, store...
    progress(`SMTP: warm-up ${warmup} messages each, then ${o.rounds} x ${o.messages} messages each (${o.clients} clients)`);
    await load(barePort, TO_ALICE, warmup);
    await load(smtpPort, TO_ALICE, warmup);
    if (pf) await postfixLoad(warmup);
    await store.clients(warmup, o.clients, storeItem);
    let firstLoginMs = NaN;
    const smtpBare: Run[] = [];
    const smtpGw: Run[] = [];
    const smtpPostfix: Run[] = [];
    const storeAlone: Run[] = [];
    for (let r = 0; r < o.rounds; r++) {
      smtpBare.push(
        await measured(
          () => cpuMs(bare.pid),
          o.messages,
          () => load(barePort, TO_BOB),
        ),
      );
      smtpGw.push(await measured(gatewayCpu, o.messages, () => load(smtpPort, r === 0 ? TO_BOB : TO_ALICE)));
      if (r === 0) {
        // Every 250 is a commit: one POP3 login right after the last 250 must list all N.
        const listed = await listUids(pop3Port, BOB.name, BOB.password);
        if (listed.uids.length !== o.messages) throw new Error(`after the last 250, POP3 lists ${listed.uids.length} messages for bob, not ${o.messages}`);
        firstLoginMs = listed.ms;
        progress(`POP3 lists all ${o.messages} right after the last 250 (that first login took ${listed.ms.toFixed(0)} ms)`);
      }
      // Its CPU includes the deliveries, which the gateway's has no counterpart of (they follow the clock).
      if (postfix)
        smtpPostfix.push(
          await measured(
            () => treeCpuMs(postfix.pid),
            o.messages,
            () => postfixLoad(o.messages),
          ),
        );
      // The store runs in this process: its CPU is the client's figure.
      storeAlone.push(
        await measured(
          () => undefined,
          o.messages,
          async () => (o.messages * 1000) / (await store.clients(o.messages, o.clients, storeItem)),
        ),
      );
    }
    await stopChild(bare);
    await store.close();
    if (postfix) {
      progress(`Postfix delivered all ${postfixSent} mails it took to its Maildir`);
      await stopChild(postfix);
    }
    checkpoint('smtp');

    // --- POP3 download: the gateway's warm-up pass fetches the bytes Dovecot will serve
    const gwWarm = await pop3Pass(pop3Port, BOB.name, BOB.password, true);
    if (gwWarm.messages !== o.messages) throw new Error(`POP3 STAT says ${gwWarm.messages} messages for bob, not ${o.messages}`);
    const dv = writeDovecotConfig(path.join(tmp, 'dovecot'), dovecotPort, [{ name: BOB.name, password: BOB.password }]);
    fillMaildir(dv, BOB.name, gwWarm.bodies!);
    const dovecot = await startDovecot(dv);
    progress(`dovecot pid ${dovecot.pid}: POP3 ${dovecotPort}; two warm-up passes each, then ${o.rounds} passes each, interleaved`);
    const popGw: Run[] = [];
    const popDv: Run[] = [];
    const logins = { gateway: [] as number[], dovecot: [] as number[] };
    try {
      const dvWarm = await pop3Pass(dovecotPort, BOB.name, BOB.password, true);
      const mismatch = dvWarm.bodies!.findIndex((b, i) => !b.equals(gwWarm.bodies![i]!));
      if (dvWarm.messages !== o.messages || mismatch >= 0) {
        throw new Error(`Dovecot does not serve the gateway's bytes: ${dvWarm.messages} messages, first difference at message ${mismatch + 1}`);
      }
      // A second warm-up pass each, in the way the measured passes run.
      await pop3Pass(pop3Port, BOB.name, BOB.password, false);
      await pop3Pass(dovecotPort, BOB.name, BOB.password, false);
      for (let r = 0; r < o.rounds; r++) {
        popGw.push(
          await measured(gatewayCpu, o.messages, async () => {
            const p = await pop3Pass(pop3Port, BOB.name, BOB.password, false);
            logins.gateway.push(p.loginMs);
            return p.elapsedMs;
          }),
        );
        popDv.push(
          await measured(
            () => treeCpuMs(dovecot.pid),
            o.messages,
            async () => {
              const p = await pop3Pass(dovecotPort, BOB.name, BOB.password, false);
              logins.dovecot.push(p.loginMs);
              return p.elapsedMs;
            },
          ),
        );
      }
    } finally {
      await stopChild(dovecot);
    }
    checkpoint('pop3');

    // --- 250 -> retrievable, one message at a time
    progress(`latency: ${o.samples} messages, one at a time, each polled over POP3 until listed`);
    const lat = await latencyProbe({
      smtpPort,
      pop3Port,
      sender: { user: ALICE.name, password: ALICE.password, mailFrom: MAIL_FROM },
      receiver: { user: BOB.name, password: BOB.password },
      rcptTo: TO_BOB,
      samples: o.samples,
      first: nextId,
    });
    checkpoint('latency');

    const rssKiB = peakRssKiB(gateway.pid);
    await stopChild(gateway);
    if (gateway.output().trim()) progress(`gateway output (warn and above):\n${gateway.output().trimEnd()}`);

    const sGw = summary(smtpGw);
    const sBare = summary(smtpBare);
    const sPostfix = smtpPostfix.length ? summary(smtpPostfix) : null;
    const sStore = summary(storeAlone);
    const pGw = summary(popGw);
    const pDv = summary(popDv);
    const figures = {
      messages: o.messages,
      clients: o.clients,
      rounds: o.rounds,
      smtp: {
        gateway: sGw,
        bareSmtpServer: sBare,
        ratio: round(sGw.msgPerSec / sBare.msgPerSec, 2),
        target: SMTP_TARGET,
        postfix: sPostfix,
        postfixRatio: sPostfix ? round(sGw.msgPerSec / sPostfix.msgPerSec, 2) : null,
        postfixTarget: POSTFIX_TARGET,
        /** The store alone in the benchmark process: its CPU is in clientCpuMsPerMsg, serverCpuMsPerMsg is null. */
        storeAlone: sStore,
        storeAloneRatio: round(sGw.msgPerSec / sStore.msgPerSec, 2),
        storeAloneTarget: STORE_TARGET,
      },
      retrievableMs: {
        p50: round(percentile(lat.latenciesMs, 0.5), 2),
        p99: round(percentile(lat.latenciesMs, 0.99), 2),
        samples: lat.latenciesMs.length,
        listedByFirstPoll: lat.firstPollHits,
        lockRetries: lat.lockRetries,
      },
      pop3: {
        // The first login after the intake renders and caches every new message; later ones only load them.
        gateway: { ...pGw, loginMs: logins.gateway.map((x) => round(x, 1)), firstLoginAfterIntakeMs: round(firstLoginMs) },
        dovecot: { ...pDv, loginMs: logins.dovecot.map((x) => round(x, 1)) },
        ratio: round(pGw.msgPerSec / pDv.msgPerSec, 2),
        target: POP3_TARGET,
        bytesPerPass: gwWarm.bytes,
      },
      gateway: { peakRssMiB: rssKiB === undefined ? null : round(rssKiB / 1024), peakRssMiBAfter: peakAfter, warmupMessages: warmup },
    };

    if (o.json) {
      process.stdout.write(JSON.stringify(figures, null, 2) + '\n');
    } else {
      const f = (n: number, d = 0) => n.toFixed(d);
      const rounds = (s: { rounds: number[] }) => (o.rounds > 1 ? `  (median of ${s.rounds.map((x) => f(x)).join(', ')})` : '');
      const rows: Array<[string, string]> = [
        ['SMTP msg/s, gateway', f(sGw.msgPerSec) + rounds(sGw)],
        ['SMTP msg/s, bare smtp-server', f(sBare.msgPerSec) + rounds(sBare)],
        ['SMTP ratio gateway/bare', `${f(figures.smtp.ratio, 2)}x  (target >= ${SMTP_TARGET}x)`],
        ['SMTP msg/s, Postfix', sPostfix ? f(sPostfix.msgPerSec) + rounds(sPostfix) : `left out: ${POSTFIX} is absent (apt-get install postfix)`],
        ...(sPostfix ? [['SMTP ratio gateway/Postfix', `${f(figures.smtp.postfixRatio!, 2)}x  (target >= ${POSTFIX_TARGET}x)`] as [string, string]] : []),
        ['store alone msg/s', `${f(sStore.msgPerSec)}${rounds(sStore)}  (${o.clients} committers, one message in flight each, no SMTP)`],
        ['SMTP ratio gateway/store alone', `${f(figures.smtp.storeAloneRatio, 2)}x  (target >= ${STORE_TARGET}x)`],
        ['250 -> retrievable p50', `${f(figures.retrievableMs.p50, 1)} ms`],
        ['250 -> retrievable p99', `${f(figures.retrievableMs.p99, 1)} ms  (${lat.latenciesMs.length} samples, ${lat.firstPollHits} listed by the first poll)`],
        ['POP3 msg/s, gateway', f(pGw.msgPerSec) + rounds(pGw)],
        ['POP3 msg/s, Dovecot', f(pDv.msgPerSec) + rounds(pDv)],
        ['POP3 ratio gateway/Dovecot', `${f(figures.pop3.ratio, 2)}x  (target >= ${POP3_TARGET}x)`],
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
