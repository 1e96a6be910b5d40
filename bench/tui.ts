// The terminal UI's own cost, beside the gateway it watches, in one run:
//   (a) CPU: `nowsms tui` (in tmux, on the dashboard) while the gateway takes a steady rate of SMPP
//       submit_sm (default 500 msg/s for 30 s) and sends each on to a sink SMSC; both processes' CPU from
//       /proc over the same window. Target: the TUI below 10 % of the gateway's CPU.
//   (b) memory: the sink gone, N messages (default 100k) pile up on the link's queue; the TUI opens that
//       queue and scrolls it end to end; its peak RSS. Target: below 150 MiB.
// Then a capture of each view. Prints figures; asserts nothing about speed.
//
//   npx tsx bench/tui.ts [--rate R] [--seconds S] [--queued N] [--json] [--keep]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import smpp, { type PDU, type Session } from 'smpp';
import { benchArgs, wholeNumber } from './lib/args.ts';
import { REPO } from './lib/gateway.ts';
import { cpuMs, freePorts, installCleanup, peakRssKiB, rssKiB, stopAll, stopChild } from './lib/proc.ts';
import { BENCH_USER, startSmppGateway, writeSmppGatewayConfig } from './lib/smpp-gateway.ts';
import { smppLoad } from './lib/smpp-load.ts';
import { startSink } from './lib/smpp-sink.ts';

const HELP = `npx tsx bench/tui.ts [options]

  --rate R      submit_sm per second during (a) (default 500)
  --seconds S   length of (a) (default 30)
  --queued N    messages queued for (b) (default 100000)
  --json        print the figures as JSON
  --keep        keep the temp dir (config, data) and print its path
`;

function options() {
  const values = benchArgs(HELP, {
    rate: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '30' },
    queued: { type: 'string', default: '100000' },
    json: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  });
  const int = wholeNumber(HELP);
  return {
    rate: int('rate', values.rate, 1),
    seconds: int('seconds', values.seconds, 1),
    queued: int('queued', values.queued, 1),
    json: values.json,
    keep: values.keep,
  };
}

/** tmux on a socket of our own: only our server is ever touched. */
function tmux(socket: string) {
  const t = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  return {
    t,
    screen: () => t('capture-pane', '-p', '-t', 'tui'),
    keys: (...k: string[]) => void t('send-keys', '-t', 'tui', ...k),
    async waitFor(what: string, test: (s: string) => boolean, timeoutMs = 120_000): Promise<string> {
      const end = Date.now() + timeoutMs;
      let last = '';
      while (Date.now() < end) {
        last = t('capture-pane', '-p', '-t', 'tui');
        if (test(last)) return last;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`the TUI did not show ${what}; it shows:\n${last}`);
    },
    kill: () => {
      spawnSync('tmux', ['-L', socket, 'kill-server']);
      // The server leaves its socket file behind (tmux's default place for a -L socket).
      rmSync(path.join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, socket), { force: true });
    },
  };
}

/** A transmitter that sends `rate` submit_sm a second for `seconds`, paced every 10 ms. */
async function pacedLoad(port: number, rate: number, seconds: number): Promise<{ sent: number; answered: number }> {
  const s: Session = await new Promise((resolve, reject) => {
    const c = smpp.connect({ host: '127.0.0.1', port });
    c.once('error', reject);
    c.once('connect', () => resolve(c));
  });
  s.on('error', () => undefined);
  const bound: PDU = await new Promise((r) =>
    s.send(new smpp.PDU('bind_transmitter', { system_id: BENCH_USER.name, password: BENCH_USER.password, interface_version: 0x34 }), r),
  );
  if (bound.command_status !== 0) throw new Error(`bind refused: 0x${bound.command_status.toString(16)}`);
  let sent = 0;
  let answered = 0;
  const start = Date.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = (Date.now() - start) / 1000;
      if (elapsed >= seconds) {
        clearInterval(timer);
        resolve();
        return;
      }
      const due = Math.floor(elapsed * rate);
      while (sent < due) {
        sent++;
        s.send(
          new smpp.PDU('submit_sm', {
            source_addr: '15550001111',
            source_addr_ton: 1,
            source_addr_npi: 1,
            destination_addr: `1555777${String(sent % 10000).padStart(4, '0')}`,
            dest_addr_ton: 1,
            dest_addr_npi: 1,
            short_message: Buffer.from(`tui bench #${sent}`, 'latin1'),
          }),
          () => answered++,
        );
      }
    }, 10);
  });
  s.destroy();
  return { sent, answered };
}

async function main() {
  const o = options();
  installCleanup();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'nowsms-bench-tui-'));
  const socket = `nowsms-bench-tui-${process.pid}`;
  const term = tmux(socket);
  try {
    const [smtpPort, pop3Port, smppPort, sinkPort] = await freePorts(4);
    const sink = await startSink(sinkPort!);
    const setup = writeSmppGatewayConfig(tmp, { smtp: smtpPort!, pop3: pop3Port!, smpp: smppPort!, sinkPort: sinkPort! });
    const gateway = await startSmppGateway(setup);
    term.t(
      '-f',
      '/dev/null',
      'new-session',
      '-d',
      '-s',
      'tui',
      '-x',
      '120',
      '-y',
      '40',
      `exec ${path.join(REPO, 'bin/nowsms.js')} tui --config ${setup.config}`,
    );
    const tuiPid = Number(term.t('display-message', '-p', '-t', 'tui', '#{pane_pid}').trim());
    await term.waitFor('the sink link up', (s) => /sink\s+smpp-client\s+● up/.test(s));

    // (a) CPU under steady traffic, the TUI on the dashboard.
    const g0 = cpuMs(gateway.pid)!;
    const t0 = cpuMs(tuiPid)!;
    const load = await pacedLoad(smppPort!, o.rate, o.seconds);
    const gatewayCpu = cpuMs(gateway.pid)! - g0;
    const tuiCpu = cpuMs(tuiPid)! - t0;
    const dashboard = term.screen();

    // (b) memory with a long queue: the sink gone, the queue fills; the TUI scrolls it.
    await sink.close();
    await term.waitFor('the sink link down', (s) => !/sink\s+smpp-client\s+● up/.test(s));
    const fill = await smppLoad({ port: smppPort!, systemId: BENCH_USER.name, password: BENCH_USER.password, messages: o.queued, window: 100 });
    term.keys('3');
    await term.waitFor('the queues', (s) => s.includes('Queues: enter opens one'));
    term.keys('Enter');
    await term.waitFor(
      `the sink queue with ${o.queued} waiting`,
      (s) => new RegExp(`Queue sink: (\\d+) waiting`).test(s) && Number(/Queue sink: (\d+)/.exec(s)![1]) >= o.queued,
    );
    const queueTop = term.screen();
    term.keys('G');
    await term.waitFor('the end of the queue', (s) => /· (\d+)\/\1\b/.test(s));
    for (let i = 0; i < 50; i++) term.keys('PPage');
    term.keys('g');
    await term.waitFor('the top again', (s) => /· 1\//.test(s));
    const tuiRss = { nowKiB: rssKiB(tuiPid), peakKiB: peakRssKiB(tuiPid) };

    const captures: Record<string, string> = { dashboard, queue: queueTop };
    for (const [key, name, ready] of [
      ['Escape', 'queues', 'Queues: enter opens one'],
      ['2', 'connections', 'Connections:'],
      ['4', 'messages', 'Messages (newest'],
      ['5', 'users', 'NAME'],
      ['6', 'log', 'Log:'],
    ] as const) {
      term.keys(key);
      captures[name] = await term.waitFor(name, (s) => s.includes(ready));
    }

    const figures = {
      rate: o.rate,
      seconds: o.seconds,
      submitted: load.sent,
      answered: load.answered,
      gatewayCpuMs: Math.round(gatewayCpu),
      tuiCpuMs: Math.round(tuiCpu),
      tuiCpuPercentOfGateway: gatewayCpu > 0 ? Math.round((tuiCpu / gatewayCpu) * 1000) / 10 : null,
      queued: o.queued,
      fillSeconds: Math.round(fill.elapsedMs / 100) / 10,
      tuiRssMiB: tuiRss.nowKiB === undefined ? null : Math.round(tuiRss.nowKiB / 102.4) / 10,
      tuiPeakRssMiB: tuiRss.peakKiB === undefined ? null : Math.round(tuiRss.peakKiB / 102.4) / 10,
      gatewayRssMiB: Math.round((rssKiB(gateway.pid) ?? 0) / 102.4) / 10,
    };
    if (o.json) process.stdout.write(JSON.stringify({ ...figures, captures }, null, 2) + '\n');
    else {
      process.stdout.write(
        [
          `(a) ${o.rate} msg/s for ${o.seconds} s (${load.sent} submitted, ${load.answered} answered)`,
          `    gateway CPU ${figures.gatewayCpuMs} ms   TUI CPU ${figures.tuiCpuMs} ms   TUI = ${figures.tuiCpuPercentOfGateway} % of the gateway (target < 10 %)`,
          `(b) ${o.queued} queued (filled in ${figures.fillSeconds} s), the queue scrolled end to end`,
          `    TUI RSS ${figures.tuiRssMiB} MiB, peak ${figures.tuiPeakRssMiB} MiB (target < 150 MiB); gateway RSS ${figures.gatewayRssMiB} MiB`,
          '',
          ...Object.entries(captures).flatMap(([name, screen]) => [`--- ${name} (120x40) ---`, screen.trimEnd(), '']),
        ].join('\n') + '\n',
      );
    }
    term.keys('q');
    await stopChild(gateway);
  } finally {
    term.kill();
    await stopAll();
    if (o.keep) process.stderr.write(`kept ${tmp}\n`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`bench: ${(e as Error).stack ?? String(e)}\n`);
  void stopAll().finally(() => process.exit(1));
});
