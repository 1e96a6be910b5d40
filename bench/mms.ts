// MMS under load: MM7 DeliverReq intake (an operator's MMSC delivering 100 KB MMS, each answered only once
// committed) against a bare MM7 endpoint on the same framework, e-mail -> MM7 SubmitReq end to end, and the
// binary MMS codec's decode and encode rates against copying the same octets.
// See bench/README.md.
//
//   npx tsx bench/mms.ts [--requests N] [--clients C] [--rounds R] [--media-kib K] [--mails M] [--json] [--keep]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchArgs, wholeNumber } from './lib/args.ts';
import { REPO } from './lib/gateway.ts';
import { deliverTemplate, mm7Load, type DeliverTemplate } from './lib/mm7-load.ts';
import { startMm7Sink } from './lib/mm7-sink.ts';
import { codecFigures } from './lib/mms-codec.ts';
import { addAlice, ALICE, MMSC_ACCOUNT, startMmsGateway, writeMmsGatewayConfig } from './lib/mms-gateway.ts';
import { percentile } from './lib/phases.ts';
import { cpuMs, freePorts, installCleanup, peakRssKiB, startChild, stopAll, stopChild, waitForPort } from './lib/proc.ts';
import { SmtpClient } from './lib/smtp-client.ts';
import { median, progress, round } from './lib/figures.ts';

const HELP = `npx tsx bench/mms.ts [options]

  --requests N   DeliverReq per measured intake run (default 1000)
  --clients C    concurrent MM7 clients, and SMTP clients for the e-mail path (default 8)
  --rounds R     measured intake runs per server, interleaved; the median is reported (default 3)
  --media-kib K  size of the media part of each MMS (default 100)
  --mails M      e-mails for the e-mail -> MM7 path (default 500)
  --json         print the figures as JSON
  --keep         keep the temp dir (configs, data, logs) and print its path
`;

const INTAKE_TARGET = 0.5;

function options() {
  const values = benchArgs(HELP, {
    requests: { type: 'string', default: '1000' },
    clients: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
    'media-kib': { type: 'string', default: '100' },
    mails: { type: 'string', default: '500' },
    json: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  });
  const int = wholeNumber(HELP);
  return {
    requests: int('requests', values.requests, 1),
    clients: int('clients', values.clients, 1),
    rounds: int('rounds', values.rounds, 1),
    mediaKiB: int('media-kib', values['media-kib'], 1),
    mails: int('mails', values.mails, 1),
    json: values.json,
    keep: values.keep,
  };
}

interface IntakeRun {
  msgPerSec: number;
  p50Ms: number;
  p99Ms: number;
  serverCpuMsPerMsg: number | null;
}

/** A mail with a text and a JPEG-typed attachment of `bytes` random bytes, as a mail client sends it. */
function mailWithPhoto(i: number, to: string, photo: string): Buffer {
  const b = `bench-boundary-${i}`;
  return Buffer.from(
    [
      `From: Alice <alice@bench.localhost>`,
      `To: <${to}>`,
      `Subject: mms-bench ${i}`,
      `Message-ID: <mms-bench-${i}-${process.pid}@bench.localhost>`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${b}"`,
      '',
      `--${b}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      `Photo ${i} from the benchmark.`,
      `--${b}`,
      'Content-Type: image/jpeg; name="photo.jpg"',
      'Content-Disposition: attachment; filename="photo.jpg"',
      'Content-Transfer-Encoding: base64',
      '',
      photo,
      `--${b}--`,
      '.',
      '',
    ].join('\r\n'),
  );
}

async function main(): Promise<number> {
  const o = options();
  installCleanup();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'nowsms-bench-mms-'));
  if (!o.keep) process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
  const [smtpPort, pop3Port, mm7Port, sinkPort, barePort, codecPort] = (await freePorts(6)) as [number, number, number, number, number, number];
  const template: DeliverTemplate = deliverTemplate({ from: '+447700900123', to: ALICE.recipient, mediaBytes: o.mediaKiB * 1024 });
  let prefix = 0;
  const intake = async (port: number, requests = o.requests) =>
    mm7Load({ port, path: '/mm7', user: MMSC_ACCOUNT.name, password: MMSC_ACCOUNT.password, clients: o.clients, requests, template, prefix: `r${prefix++}` });

  try {
    // The binary MMS codec first, in this process while nothing else runs.
    progress('binary MMS codec: a 300 KB m-retrieve-conf with 5 parts, decode and encode against Buffer.from');
    const codecResult = codecFigures();
    progress(`temp dir ${tmp}`);
    const sink = await startMm7Sink(sinkPort);
    const setup = writeMmsGatewayConfig(tmp, { smtp: smtpPort, pop3: pop3Port, mm7: mm7Port, sink: sinkPort });
    await addAlice(setup);
    const gateway = await startMmsGateway(setup);
    progress(`gateway pid ${gateway.pid}: MM7 ${mm7Port}, SMTP ${smtpPort}; sink MMSC ${sinkPort}`);
    const bareScript = path.join(REPO, 'bench/lib/mm7-bare.ts');
    const bare = startChild('bare MM7 endpoint (multipart library)', process.execPath, ['--import', 'tsx', bareScript, String(barePort), 'multipart'], {
      cwd: REPO,
    });
    const codec = startChild('bare MM7 endpoint (product codec)', process.execPath, ['--import', 'tsx', bareScript, String(codecPort), 'codec'], { cwd: REPO });
    await waitForPort(barePort, bare);
    await waitForPort(codecPort, codec);

    // --- DeliverReq intake: same requests, same warm-up, rounds interleaved bare, gateway, bare, ...
    const warm = Math.min(o.requests, 300);
    progress(`MM7 intake: warm-up ${warm} each, then ${o.rounds} x ${o.requests} DeliverReq of ${o.mediaKiB} KiB each (${o.clients} clients)`);
    await intake(barePort, warm);
    await intake(codecPort, warm);
    await intake(mm7Port, warm);
    const runs = { bare: [] as IntakeRun[], codec: [] as IntakeRun[], gateway: [] as IntakeRun[] };
    let sample = '';
    for (let r = 0; r < o.rounds; r++) {
      for (const [which, port, pid] of [
        ['bare', barePort, bare.pid],
        ['codec', codecPort, codec.pid],
        ['gateway', mm7Port, gateway.pid],
      ] as const) {
        const c0 = cpuMs(pid);
        const res = await intake(port);
        const c1 = cpuMs(pid);
        if (which === 'gateway') sample = res.sample;
        runs[which].push({
          msgPerSec: (o.requests * 1000) / res.elapsedMs,
          p50Ms: res.p50Ms,
          p99Ms: res.p99Ms,
          serverCpuMsPerMsg: c0 === undefined || c1 === undefined ? null : (c1 - c0) / o.requests,
        });
      }
    }
    await stopChild(bare);
    await stopChild(codec);

    // --- e-mail -> MM7: C SMTP clients send M mails with a photo; the clock stops when the sink has every SubmitReq.
    const photo = Buffer.alloc(o.mediaKiB * 1024, 7)
      .toString('base64')
      .replace(/.{76}/g, '$&\r\n');
    const to = '447700900555@mms.localhost';
    const bodies = Array.from({ length: o.mails }, (_, i) => mailWithPhoto(i, to, photo));
    const accepted = new Map<number, number>();
    const clients: SmtpClient[] = [];
    for (let c = 0; c < o.clients; c++) clients.push(await SmtpClient.connect(smtpPort));
    await Promise.all(clients.map((c) => c.login(ALICE.name, ALICE.password)));
    progress(`e-mail -> MM7: ${o.mails} mails with a ${o.mediaKiB} KiB photo from ${o.clients} SMTP clients`);
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      clients.map(async (c) => {
        for (let i = next++; i < o.mails; i = next++) {
          await c.send('alice@bench.localhost', to, bodies[i]!);
          accepted.set(i, performance.now());
        }
      }),
    );
    const smtpDoneMs = performance.now() - t0;
    const deadline = performance.now() + 120_000;
    while (sink.arrivals.size < o.mails) {
      if (performance.now() > deadline) throw new Error(`the sink MMSC has ${sink.arrivals.size} of ${o.mails} SubmitReq after 2 minutes`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const lastArrival = Math.max(...sink.arrivals.values());
    const e2eMs = lastArrival - t0;
    const lat = [...accepted].map(([i, at]) => sink.arrivals.get(i)! - at);
    await Promise.all(clients.map((c) => c.quit()));
    const peak = peakRssKiB(gateway.pid);
    await stopChild(gateway);
    await sink.close();

    const sum = (xs: IntakeRun[]) => ({
      msgPerSec: round(median(xs.map((x) => x.msgPerSec))),
      rounds: xs.map((x) => round(x.msgPerSec)),
      p50Ms: round(median(xs.map((x) => x.p50Ms))),
      p99Ms: round(median(xs.map((x) => x.p99Ms))),
      serverCpuMsPerMsg: xs.every((x) => x.serverCpuMsPerMsg !== null) ? round(median(xs.map((x) => x.serverCpuMsPerMsg!)), 2) : null,
    });
    const result = {
      setup: { requests: o.requests, clients: o.clients, rounds: o.rounds, mediaKiB: o.mediaKiB, mails: o.mails },
      intake: {
        gateway: sum(runs.gateway),
        bare: sum(runs.bare),
        bareCodec: sum(runs.codec),
        ratio: 0,
        ratioToCodec: 0,
        target: INTAKE_TARGET,
        sampleAnswer: sample,
      },
      emailToMm7: {
        msgPerSec: round((o.mails * 1000) / e2eMs),
        smtpMsgPerSec: round((o.mails * 1000) / smtpDoneMs),
        acceptedToSubmitP50Ms: round(percentile(lat, 0.5)),
        acceptedToSubmitP99Ms: round(percentile(lat, 0.99)),
      },
      gatewayPeakRssMiB: peak === undefined ? null : round(peak / 1024),
      codec: codecResult,
    };
    result.intake.ratio = round(result.intake.gateway.msgPerSec / result.intake.bare.msgPerSec, 2);
    result.intake.ratioToCodec = round(result.intake.gateway.msgPerSec / result.intake.bareCodec.msgPerSec, 2);
    if (o.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    else {
      const g = result.intake.gateway;
      const b = result.intake.bare;
      const k = result.intake.bareCodec;
      const e = result.emailToMm7;
      process.stdout.write(
        [
          `MM7 DeliverReq intake, ${o.mediaKiB} KiB MMS, ${o.clients} clients (median of ${o.rounds} x ${o.requests}):`,
          `  gateway (committed)   ${g.msgPerSec} msg/s   p50 ${g.p50Ms} ms   p99 ${g.p99Ms} ms   rounds ${g.rounds.join(', ')}   server CPU ${g.serverCpuMsPerMsg} ms/msg`,
          `  bare, multipart lib   ${b.msgPerSec} msg/s   p50 ${b.p50Ms} ms   p99 ${b.p99Ms} ms   rounds ${b.rounds.join(', ')}   server CPU ${b.serverCpuMsPerMsg} ms/msg`,
          `  bare, product codec   ${k.msgPerSec} msg/s   p50 ${k.p50Ms} ms   p99 ${k.p99Ms} ms   rounds ${k.rounds.join(', ')}   server CPU ${k.serverCpuMsPerMsg} ms/msg`,
          `  ratio                 ${result.intake.ratio}x of the bare endpoint (target >= ${INTAKE_TARGET}x), ${result.intake.ratioToCodec}x of the bare codec`,
          `E-mail -> MM7 SubmitReq, ${o.mails} mails with a ${o.mediaKiB} KiB photo, ${o.clients} SMTP clients:`,
          `  end to end            ${e.msgPerSec} msg/s (SMTP intake alone ${e.smtpMsgPerSec} msg/s)`,
          `  250 -> SubmitReq      p50 ${e.acceptedToSubmitP50Ms} ms   p99 ${e.acceptedToSubmitP99Ms} ms`,
          `gateway peak RSS        ${result.gatewayPeakRssMiB} MiB`,
          `Binary MMS codec, ${codecResult.pduBytes} octet m-retrieve-conf with ${codecResult.parts} parts (medians of 9 rounds; each ratio against its own round's copy):`,
          `  decode                ${codecResult.decodeMBps} MB/s   ${codecResult.decodeRatio}x of Buffer.from (target >= ${codecResult.targets.decode}x)`,
          `  encode                ${codecResult.encodeMBps} MB/s   ${codecResult.encodeRatio}x of Buffer.from (target >= ${codecResult.targets.encode}x)`,
          `  Buffer.from copy      ${codecResult.copyMBps} MB/s`,
          '',
        ].join('\n'),
      );
    }
    if (o.keep) progress(`kept ${tmp}`);
    return 0;
  } finally {
    await stopAll();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    void stopAll().then(() => process.exit(1));
  },
);
