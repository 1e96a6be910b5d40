// The gateway's memory under large e-mails: C clients at once each send one ~7.6 MB MMS e-mail (a text and
// HTML body and a 5.5 MB attachment, base64), and the gateway's resident memory is read from /proc before
// and at its peak. A fresh gateway per concurrency, so that VmHWM is the peak of that run alone. A client
// told to come back later (452/451: plugins.smtp.maxBytesInFlight) retries after a pause, as an MTA's
// queue would, until every mail is stored.
//
//   npx tsx bench/email-memory.ts [--clients 8,24] [--size-mb 7.6] [--repo <checkout>] [--json] [--keep]
//
// --repo measures another checkout of nowsms (the same node_modules must resolve from it), e.g. one made
// with `git archive <commit>` into a temp dir, for before/after figures.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO } from './lib/gateway.ts';
import { freePorts, installCleanup, peakRssKiB, rssKiB, startChild, stopAll, stopChild, waitForPort } from './lib/proc.ts';
import { SmtpClient, SmtpError } from './lib/smtp-client.ts';
import { benchArgs } from './lib/args.ts';

const HELP = `npx tsx bench/email-memory.ts [options]

  --clients LIST  concurrent clients, one run each (default 8,24)
  --size-mb X     size of each mail in MB (default 7.6)
  --repo DIR      the nowsms checkout to run (default this one)
  --json          print the figures as JSON
  --keep          keep the temp dirs (configs, data, logs)
`;

const progress = (text: string) => process.stderr.write(`bench: ${text}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (kib: number | undefined) => (kib === undefined ? NaN : Math.round((kib / 1024) * 10) / 10);

function options() {
  const values = benchArgs(HELP, {
    clients: { type: 'string', default: '8,24' },
    'size-mb': { type: 'string', default: '7.6' },
    repo: { type: 'string', default: REPO },
    json: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  });
  const clients = values.clients.split(',').map(Number);
  const sizeMb = Number(values['size-mb']);
  if (clients.some((c) => !Number.isInteger(c) || c < 1) || !(sizeMb > 0)) {
    process.stderr.write(`bench: bad --clients or --size-mb\n\n${HELP}`);
    process.exit(2);
  }
  return { clients, sizeBytes: Math.round(sizeMb * 1_000_000), repo: path.resolve(values.repo), json: values.json, keep: values.keep };
}

/** A mail as a mail client writes one with a big photo: multipart/mixed [ alternative [ text, HTML ], attachment ]. */
function bigMail(size: number): Buffer {
  const b64 = (b: Buffer) => b.toString('base64').replace(/.{1,76}/g, '$&\r\n');
  // base64 with CRLF every 76 characters is 78/57 of the bytes it carries.
  const payload = Buffer.alloc(Math.floor(((size - 2000) * 57) / 78));
  for (let i = 0; i < payload.length; i++) payload[i] = (i * 2654435761) >>> 24;
  const lines = [
    'From: Alice <alice@bench.localhost>',
    'To: <447700900123@mms.localhost>',
    'Subject: a big photo',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="mixed"',
    '',
    '--mixed',
    'Content-Type: multipart/alternative; boundary="alt"',
    '',
    '--alt',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Here is the photo from yesterday.',
    '--alt',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<html><body><p>Here is the photo from <b>yesterday</b>.</p></body></html>',
    '--alt--',
    '--mixed',
    'Content-Type: image/jpeg; name="photo.jpg"',
    'Content-Disposition: attachment; filename="photo.jpg"',
    'Content-Transfer-Encoding: base64',
    '',
    b64(payload),
    '--mixed--',
    '.',
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'latin1');
}

interface RunResult {
  clients: number;
  mailBytes: number;
  baseRssMiB: number;
  peakRssMiB: number;
  growthMiB: number;
  stored: number;
  deferred: number;
  seconds: number;
}

async function runOnce(repo: string, clients: number, mail: Buffer, keep: boolean): Promise<RunResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nowsms-bench-mem-'));
  const [smtpPort] = await freePorts(1);
  const from = (p: string) => JSON.stringify(path.join(repo, p));
  // A checkout from before mms.maxBytes existed takes an MMS of any size; this one must be told to.
  const hasMmsLimit = /\bmaxBytes\b/.test(readFileSync(path.join(repo, 'core/config.ts'), 'utf8'));
  writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  const config = path.join(dir, 'nowsms.config.ts');
  writeFileSync(
    config,
    `// Written by bench/email-memory.ts.
import { defineConfig } from ${from('core/index.ts')};
import { smtp } from ${from('plugins/smtp/index.ts')};
import { sqliteStore } from ${from('plugins/store-sqlite/index.ts')};

export default defineConfig({
  dataDir: ${JSON.stringify(path.join(dir, 'data'))},
  log: { level: 'warn' },
  security: { authFailureDelayMs: 0 },
  users: [{ name: 'alice', password: 'pw', smtpLogin: true, recipients: ['+15550002222'] }],
  ${hasMmsLimit ? 'mms: { maxBytes: 16 * 1024 * 1024 },' : ''}
  // Every client comes from 127.0.0.1: the per-address cap must let them all in.
  plugins: [sqliteStore(), smtp({ host: '127.0.0.1', port: ${smtpPort}, maxSizeBytes: 16 * 1024 * 1024, maxSessions: 200, maxSessionsPerIp: 200 })],
});
`,
  );
  const bin = path.join(repo, 'bin', 'nowsms.js');
  if (!existsSync(bin)) throw new Error(`${repo} is not a nowsms checkout (no bin/nowsms.js)`);
  const gateway = startChild('gateway (nowsms start)', process.execPath, [bin, 'start', '--config', config], { cwd: repo });
  try {
    await waitForPort(smtpPort!, gateway, 60_000);
    // One small mail first, so that what loads on first use is loaded before the base is read.
    const warm = await SmtpClient.connect(smtpPort!);
    await warm.login('alice', 'pw');
    await warm.send('alice@bench.localhost', '447700900100@mms.localhost', Buffer.from('Subject: warm\r\n\r\nwarm-up\r\n.\r\n'));
    await warm.quit();
    await sleep(500);
    const base = rssKiB(gateway.pid);
    let deferred = 0;
    const started = Date.now();
    const one = async (i: number) => {
      for (;;) {
        const c = await SmtpClient.connect(smtpPort!);
        try {
          await c.login('alice', 'pw');
          await c.send('alice@bench.localhost', `4477009002${String(i).padStart(2, '0')}@mms.localhost`, mail);
          await c.quit();
          return;
        } catch (e) {
          c.destroy();
          if (!(e instanceof SmtpError) || ![451, 452].includes(e.reply.code)) throw e;
          deferred++;
          await sleep(250);
        }
      }
    };
    await Promise.all(Array.from({ length: clients }, (_, i) => one(i)));
    const seconds = (Date.now() - started) / 1000;
    const peak = peakRssKiB(gateway.pid);
    return {
      clients,
      mailBytes: mail.length,
      baseRssMiB: mb(base),
      peakRssMiB: mb(peak),
      growthMiB: mb(peak! - base!),
      stored: clients,
      deferred,
      seconds: Math.round(seconds * 10) / 10,
    };
  } finally {
    await stopChild(gateway);
    if (keep) progress(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const o = options();
  if (process.platform !== 'linux') throw new Error('needs Linux (/proc/<pid>/status)');
  installCleanup();
  const mail = bigMail(o.sizeBytes);
  progress(`mail of ${(mail.length / 1e6).toFixed(1)} MB; gateway from ${o.repo}`);
  const results: RunResult[] = [];
  for (const c of o.clients) {
    progress(`${c} clients at once`);
    results.push(await runOnce(o.repo, c, mail, o.keep));
  }
  if (o.json) {
    process.stdout.write(JSON.stringify({ repo: o.repo, results }, null, 2) + '\n');
    return;
  }
  process.stdout.write('clients  mail MB  base RSS MiB  peak RSS MiB (VmHWM)  growth MiB  deferred (451/452, retried)  seconds\n');
  for (const r of results) {
    process.stdout.write(
      `${String(r.clients).padStart(7)}  ${(r.mailBytes / 1e6).toFixed(1).padStart(7)}  ${String(r.baseRssMiB).padStart(12)}  ${String(r.peakRssMiB).padStart(20)}  ${String(r.growthMiB).padStart(10)}  ${String(r.deferred).padStart(27)}  ${String(r.seconds).padStart(7)}\n`,
    );
  }
}

main().then(
  () => stopAll(),
  async (e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
    await stopAll();
    process.exitCode = 1;
  },
);
