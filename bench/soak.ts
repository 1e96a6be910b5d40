// Soak with faults (issue 15): the whole gateway, as a user runs it, under steady SMTP, SMPP and modem
// traffic while the SMSC flaps, throttles and errors, the modem vanishes and talks garbage, POP3 clients
// drop mid-RETR and the gateway is kill -9'd and restarted. At the end every acknowledged message is looked
// for where it must be. What runs and what the figures mean: bench/soak.md.
//
//   npm run soak [-- --minutes M] [--rate R] [--json] [--keep]
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ptyPair } from '../test/helpers/socat.ts';
import { ModemSimulator } from '../test/plugins/gsm-modem/simulator/index.ts';
import { SmscSimulator } from '../test/plugins/smpp/smsc-simulator/index.ts';
import { benchArgs, wholeNumber } from './lib/args.ts';
import { freePorts, installCleanup, stopAll } from './lib/proc.ts';
import { Faults } from './lib/soak-faults.ts';
import { FLOWS, Ledger, tagsIn, type Flow } from './lib/soak-ledger.ts';
import { fdKinds, Rig, writeSoakConfig } from './lib/soak-rig.ts';
import { Traffic } from './lib/soak-traffic.ts';

const HELP = `npm run soak -- [options]

  --minutes M   how long the traffic and the faults run (default 30); the drain and the check follow
  --rate R      scales the message rates (default 1: 4 SMTP + 4 SMPP + 1 SMSC MO + 0.5 modem MO a second)
  --json        print the figures as JSON
  --keep        keep the temp dir (config, data dir, socat ptys) and print its path
  --no-kill     never kill -9 the gateway: one life, to see whether its memory settles after warm-up
`;

function options() {
  const values = benchArgs(HELP, {
    minutes: { type: 'string', default: '30' },
    rate: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'no-kill': { type: 'boolean', default: false },
  });
  const rate = Number(values.rate);
  if (!(rate > 0 && rate <= 20)) {
    process.stderr.write(`soak: --rate takes a number above 0 and at most 20, not ${values.rate}\n\n${HELP}`);
    process.exit(2);
  }
  return { minutes: wholeNumber(HELP)('minutes', values.minutes, 1), rate, json: values.json, keep: values.keep, kills: !values['no-kill'] };
}

const log = (msg: string) => process.stderr.write(`soak ${new Date().toISOString().slice(11, 19)} ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(xs: number[], p: number): number | undefined {
  if (!xs.length) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

const OUT_FLOWS: Flow[] = ['smtp>smsc', 'smtp>modem', 'smpp>smsc', 'smpp>modem'];

async function main(): Promise<boolean> {
  const opts = options();
  installCleanup();
  const runMs = opts.minutes * 60_000;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'nowsms-soak-'));
  const ledger = new Ledger();
  const smsc = await SmscSimulator.start({ systemId: 'gw', password: 'pw' });
  const ptyDir = path.join(tmp, 'modem');
  mkdirSync(ptyDir);
  const pair = await ptyPair(ptyDir);
  const modem = await ModemSimulator.attach(pair);
  const [smtpPort, pop3Port, smppPort] = await freePorts(3);
  const setup = writeSoakConfig({ dir: tmp, smtp: smtpPort!, pop3: pop3Port!, smpp: smppPort!, smscPort: smsc.port, modemPath: pair.gatewayPath });
  const rig = new Rig(setup, () => ledger.now());
  const traffic = new Traffic(setup, ledger, smsc, () => modem);
  const faults = new Faults(rig, smsc, modem, log, opts.kills);
  let sampler: NodeJS.Timeout | undefined;
  try {
    log(`temp dir ${tmp}; starting the gateway`);
    await rig.start();
    log(`gateway up (pid ${rig.child!.pid}); ${opts.minutes} min of traffic and faults`);
    const sampleEvery = Math.min(10_000, Math.max(2_000, runMs / 60));
    sampler = setInterval(() => rig.sample(), sampleEvery);
    rig.sample();
    traffic.start(opts.rate);
    faults.start(runMs, runMs * 0.85);
    const progress = setInterval(
      () => log(`${Math.round(ledger.now() / 1000)} s: ${ledger.acked.size} acknowledged, ${rig.kills} kills, life ${rig.life}`),
      30_000,
    );
    await sleep(runMs);
    clearInterval(progress);
    log('traffic stops; waiting for the faults under way');
    await traffic.stopSending();
    await faults.stop();
    if (rig.child?.hasExited()) await rig.start();

    // --- drain: everything acknowledged reaches its place, or fails with a reason ------------------------
    const drainMs = Math.max(120_000, runMs * 0.2);
    const drainEnd = Date.now() + drainMs;
    log(`drain (at most ${Math.round(drainMs / 1000)} s)`);
    let pending = outstanding(ledger, smsc, modem, rig);
    while (pending.length && Date.now() < drainEnd) {
      await sleep(2000);
      pending = outstanding(ledger, smsc, modem, rig);
    }
    await traffic.stopReading();
    // A last POP3 pass that drops nothing, then the count.
    await traffic.readAll().catch((e: Error) => log(`final POP3 pass: ${e.message}`));
    clearInterval(sampler);
    rig.sample();

    const result = await check(ledger, smsc, modem, rig);
    const report = {
      minutes: opts.minutes,
      rate: opts.rate,
      ...result,
      faults: Object.fromEntries(faults.fired),
      faultErrors: faults.errors,
      gateway: { lives: rig.life, kills: rig.kills, restartMs: rig.restartMs, fdKindsAtEnd: rig.child ? fdKinds(rig.child.pid) : {} },
      pop3: traffic.counts,
      smsc: { submits: smsc.submits.length, accepted: smsc.submits.filter((s) => s.messageId !== undefined).length },
      modem: { sent: modem.sent.length, rejected: modem.rejectedSends.length, simulatorErrors: modem.internalErrors.map((e) => e.message) },
      samples: rig.samples,
      latency: slices(ledger, traffic, smsc, modem, runMs),
      machine: `${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`,
    };
    if (opts.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    else printReport(report);
    return result.lost === 0;
  } finally {
    if (sampler) clearInterval(sampler);
    await rig.stop();
    await modem.close().catch(() => {});
    await pair.close().catch(() => {});
    await smsc.stop().catch(() => {});
    await stopAll();
    if (opts.keep) log(`kept ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}

/** Arrivals by tag at the SMSC (accepted submits) and at the modem (sent SMS), with their times. */
function arrivals(smsc: SmscSimulator, modem: ModemSimulator, t0: number): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const add = (text: string, at: Date) => {
    for (const tag of tagsIn(text)) out.set(tag, [...(out.get(tag) ?? []), at.getTime() - t0]);
  };
  for (const s of smsc.submits) if (s.messageId !== undefined) add(s.view.text, s.at);
  for (const m of modem.sent) add(m.decoded.text ?? '', m.at);
  return out;
}

/** Acknowledged tags not yet where they must be (and not known to have failed). */
function outstanding(ledger: Ledger, smsc: SmscSimulator, modem: ModemSimulator, rig: Rig): string[] {
  const arrived = arrivals(smsc, modem, ledger.t0);
  const out: string[] = [];
  for (const a of ledger.acked.values()) {
    if (OUT_FLOWS.includes(a.flow)) {
      if (!arrived.has(a.tag) && !(a.id && rig.failed.has(a.id))) out.push(a.tag);
    } else if (!ledger.mailbox.has(a.tag)) out.push(a.tag);
  }
  return out;
}

async function check(ledger: Ledger, smsc: SmscSimulator, modem: ModemSimulator, rig: Rig) {
  const arrived = arrivals(smsc, modem, ledger.t0);
  const perFlow: Record<
    string,
    { attempted: number; acknowledged: number; notAcknowledged: number; delivered: number; failed: number; lost: number; duplicates: number }
  > = {};
  const lostTags: { tag: string; flow: Flow; id?: string; status?: string; detail?: string }[] = [];
  const failedTags: { tag: string; flow: Flow; id?: string; detail: string }[] = [];
  let duplicates = 0;
  for (const flow of FLOWS) {
    perFlow[flow] = {
      attempted: ledger.attempts.get(flow) ?? 0,
      acknowledged: 0,
      notAcknowledged: ledger.unacked.get(flow) ?? 0,
      delivered: 0,
      failed: 0,
      lost: 0,
      duplicates: 0,
    };
  }
  for (const a of ledger.acked.values()) {
    const f = perFlow[a.flow]!;
    f.acknowledged++;
    const copies = OUT_FLOWS.includes(a.flow) ? (arrived.get(a.tag)?.length ?? 0) : (ledger.mailbox.get(a.tag)?.uids.size ?? 0);
    if (copies > 0) {
      f.delivered++;
      if (copies > 1) {
        f.duplicates += copies - 1;
        duplicates += copies - 1;
      }
      continue;
    }
    const failure = a.id ? rig.failed.get(a.id) : undefined;
    if (failure) {
      f.failed++;
      failedTags.push({ tag: a.tag, flow: a.flow, ...(a.id ? { id: a.id } : {}), detail: failure });
      continue;
    }
    const now = a.id ? await rig.messageStatus(a.id) : undefined;
    if (now?.status === 'failed') {
      f.failed++;
      failedTags.push({ tag: a.tag, flow: a.flow, id: a.id, detail: now.detail ?? '(no detail)' });
      continue;
    }
    f.lost++;
    lostTags.push({ tag: a.tag, flow: a.flow, ...(a.id ? { id: a.id } : {}), ...(now ? { status: now.status, detail: now.detail } : {}) });
  }
  // Arrivals nobody was told about: accepted by the gateway, whose acknowledgement a kill cut off.
  const ackedTags = new Set(ledger.acked.keys());
  const unacknowledgedArrivals = [...arrived.keys(), ...ledger.mailbox.keys()].filter((t) => !ackedTags.has(t)).length;
  return {
    messages: ledger.acked.size,
    lost: lostTags.length,
    duplicates,
    failedWithReason: failedTags.length,
    unacknowledgedArrivals,
    perFlow,
    lostTags: lostTags.slice(0, 50),
    failedTags: failedTags.slice(0, 20),
  };
}

function slices(ledger: Ledger, traffic: Traffic, smsc: SmscSimulator, modem: ModemSimulator, runMs: number) {
  const sliceMs = Math.max(60_000, Math.round(runMs / 10 / 60_000) * 60_000);
  const count = Math.ceil(runMs / sliceMs);
  const arrived = arrivals(smsc, modem, ledger.t0);
  const rows = [];
  for (let i = 0; i < count; i++) {
    const inSlice = (at: number) => at >= i * sliceMs && at < (i + 1) * sliceMs;
    const intake = (kind: string) => traffic.intake.filter((s) => s.kind === kind && inSlice(s.at)).map((s) => s.ms);
    const delivery: number[] = [];
    const mailbox: number[] = [];
    for (const a of ledger.acked.values()) {
      if (!inSlice(a.ackAt)) continue;
      if (OUT_FLOWS.includes(a.flow)) {
        const t = arrived.get(a.tag)?.[0];
        if (t !== undefined) delivery.push(t - a.ackAt);
      } else {
        const m = ledger.mailbox.get(a.tag);
        if (m) mailbox.push(m.firstAt - a.ackAt);
      }
    }
    const p = (xs: number[]) => ({ n: xs.length, p50: percentile(xs, 50), p99: percentile(xs, 99) });
    rows.push({
      fromMin: (i * sliceMs) / 60_000,
      toMin: Math.min(runMs, (i + 1) * sliceMs) / 60_000,
      smtp250: p(intake('smtp')),
      smppResp: p(intake('smpp')),
      smscMoResp: p(intake('smsc-mo')),
      ackToNetwork: p(delivery),
      ackToMailbox: p(mailbox),
    });
  }
  return { sliceMinutes: sliceMs / 60_000, rows };
}

type Report = Awaited<ReturnType<typeof check>> & {
  minutes: number;
  rate: number;
  faults: Record<string, number>;
  faultErrors: string[];
  gateway: { lives: number; kills: number; restartMs: number[]; fdKindsAtEnd: Record<string, number> };
  pop3: Traffic['counts'];
  smsc: { submits: number; accepted: number };
  modem: { sent: number; rejected: number; simulatorErrors: string[] };
  samples: Rig['samples'];
  latency: ReturnType<typeof slices>;
  machine: string;
};

function printReport(r: Report): void {
  const w = (s: string) => process.stdout.write(s + '\n');
  const ms = (x: number | undefined) => (x === undefined ? '-' : x < 10_000 ? `${Math.round(x)}` : `${(x / 1000).toFixed(1)}s`);
  w(`\nnowsms soak: ${r.minutes} min of traffic (rate x${r.rate}), ${r.machine}`);
  w(`\nmessages acknowledged   ${r.messages}`);
  w(`lost                    ${r.lost}${r.lost ? '   <-- must be 0' : ''}`);
  w(`duplicates              ${r.duplicates}   (sent again after a kill -9 or a dropped link: at-least-once)`);
  w(`failed with a reason    ${r.failedWithReason}`);
  w(`arrived, never acked    ${r.unacknowledgedArrivals}   (the acknowledgement was cut off by a kill or a drop)`);
  w(
    `\n  ${'flow'.padEnd(18)}${'tried'.padStart(7)}${'acked'.padStart(7)}${'no ack'.padStart(8)}${'arrived'.padStart(9)}${'failed'.padStart(8)}${'lost'.padStart(6)}${'dups'.padStart(6)}`,
  );
  for (const [flow, f] of Object.entries(r.perFlow)) {
    w(
      `  ${flow.padEnd(18)}${String(f.attempted).padStart(7)}${String(f.acknowledged).padStart(7)}${String(f.notAcknowledged).padStart(8)}${String(f.delivered).padStart(9)}${String(f.failed).padStart(8)}${String(f.lost).padStart(6)}${String(f.duplicates).padStart(6)}`,
    );
  }
  if (r.lostTags.length) w(`\nlost: ${r.lostTags.map((t) => `${t.tag} (${t.flow}${t.id ? ` ${t.id} ${t.status ?? '?'} ${t.detail ?? ''}` : ''})`).join(', ')}`);
  if (r.failedTags.length) w(`\nfailed: ${r.failedTags.map((t) => `${t.tag} (${t.detail})`).join(', ')}`);
  w('\nfaults fired');
  for (const [name, n] of Object.entries(r.faults)) w(`  ${String(n).padStart(3)}  ${name}`);
  if (r.faultErrors.length) w(`  fault errors: ${r.faultErrors.join('; ')}`);
  w(
    `  POP3: ${r.pop3.pop3Sessions} sessions, ${r.pop3.pop3Dropped} dropped mid-RETR, ${r.pop3.pop3Failed} failed (gateway down), ${r.pop3.pop3Retrieved} RETR`,
  );
  w(`  gateway restarts took ${r.gateway.restartMs.map((x) => `${(x / 1000).toFixed(1)}s`).join(', ')}`);
  w(`  SMSC: ${r.smsc.submits} submit_sm, ${r.smsc.accepted} accepted; modem: ${r.modem.sent} SMS sent, ${r.modem.rejected} refused`);

  w('\nover time (one row per minute: the last sample in it)');
  w(`  ${'min'.padStart(4)}${'life'.padStart(6)}${'RSS MiB'.padStart(9)}${'fds'.padStart(6)}${'store MiB'.padStart(11)}${'events'.padStart(9)}`);
  const byMinute = new Map<number, Report['samples'][number]>();
  for (const s of r.samples) byMinute.set(Math.floor(s.at / 60_000), s);
  for (const [m, s] of byMinute) {
    w(
      `  ${String(m + 1).padStart(4)}${String(s.life).padStart(6)}${(s.rssKiB === undefined ? '-' : (s.rssKiB / 1024).toFixed(1)).padStart(9)}${String(s.fds ?? '-').padStart(6)}${(s.storeBytes / 1048576).toFixed(2).padStart(11)}${String(s.eventSeq).padStart(9)}`,
    );
  }
  w('\n  per gateway life (kill -9 ends one): RSS and fds at its first sample after 30 s of warm-up, and at its last');
  w(`  ${'life'.padStart(6)}${'from min'.padStart(10)}${'lived s'.padStart(9)}${'RSS MiB'.padStart(18)}${'fds'.padStart(12)}`);
  for (const life of [...new Set(r.samples.map((s) => s.life))]) {
    const all = r.samples.filter((s) => s.life === life);
    const warm = all.filter((s) => s.at - all[0]!.at >= 30_000);
    const a = warm[0] ?? all[0]!;
    const b = all.at(-1)!;
    const mib = (k?: number) => (k === undefined ? '-' : (k / 1024).toFixed(1));
    w(
      `  ${String(life).padStart(6)}${(all[0]!.at / 60_000).toFixed(1).padStart(10)}${String(Math.round((b.at - all[0]!.at) / 1000)).padStart(9)}${`${mib(a.rssKiB)} -> ${mib(b.rssKiB)}`.padStart(18)}${`${a.fds ?? '-'} -> ${b.fds ?? '-'}`.padStart(12)}`,
    );
  }
  const first = r.samples[0];
  const last = r.samples.at(-1);
  if (first && last) {
    const minutes = (last.at - first.at) / 60_000;
    w(
      `  store: ${(first.storeBytes / 1048576).toFixed(2)} -> ${(last.storeBytes / 1048576).toFixed(2)} MiB; event log: ${first.eventSeq} -> ${last.eventSeq} events (${minutes > 0 ? Math.round((last.eventSeq - first.eventSeq) / minutes) : 0} a minute, ${r.messages ? ((last.eventSeq - first.eventSeq) / r.messages).toFixed(1) : 0} per message)`,
    );
  }

  w(`\nlatency per ${r.latency.sliceMinutes}-minute slice, ms: p50 / p99 (n)`);
  w(
    `  ${'minutes'.padEnd(9)}${'SMTP 250'.padStart(18)}${'submit_sm_resp'.padStart(18)}${'deliver_sm_resp'.padStart(18)}${'ack -> network'.padStart(20)}${'ack -> POP3'.padStart(20)}`,
  );
  const cell = (c: { n: number; p50?: number; p99?: number }) => `${ms(c.p50)} / ${ms(c.p99)} (${c.n})`;
  for (const row of r.latency.rows) {
    w(
      `  ${`${row.fromMin}-${row.toMin}`.padEnd(9)}${cell(row.smtp250).padStart(18)}${cell(row.smppResp).padStart(18)}${cell(row.smscMoResp).padStart(18)}${cell(row.ackToNetwork).padStart(20)}${cell(row.ackToMailbox).padStart(20)}`,
    );
  }
  w(`\nfds at the end: ${JSON.stringify(r.gateway.fdKindsAtEnd)}`);
}

const ok = await main().catch(async (e) => {
  process.stderr.write(`soak: ${(e as Error).stack ?? String(e)}\n`);
  await stopAll();
  process.exit(1);
});
process.exit(ok ? 0 : 1);
