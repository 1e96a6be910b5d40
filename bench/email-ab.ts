// SMTP intake of two checkouts side by side in one run: the gateway of each (`nowsms start`, the same config
// as bench/email.ts) gets the same load, rounds interleaved and the order swapped every round, so that the
// load of a shared machine falls on both alike. Prints msg/s and CPU per message of each, and the
// after/before ratio of each round. Nothing is asserted.
//
//   npx tsx bench/email-ab.ts --before <checkout> [--after <checkout>] [--messages N] [--clients C] [--rounds R]
//
// A checkout of an older commit: `mkdir /tmp/old && git archive <commit> | tar -x -C /tmp/old &&
// ln -s "$PWD/node_modules" /tmp/old/node_modules`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { wholeNumber } from './lib/args.ts';
import { REPO } from './lib/gateway.ts';
import { cpuMs, freePorts, installCleanup, run, startChild, stopAll, waitForPort, type Child } from './lib/proc.ts';
import { smtpLoad } from './lib/smtp-client.ts';
import { median, progress } from './lib/figures.ts';

const HELP = `npx tsx bench/email-ab.ts --before DIR [options]

  --before DIR   the nowsms checkout to compare with (required)
  --after DIR    the other one (default this one)
  --messages N   messages per round (default 2000)
  --clients C    concurrent SMTP clients (default 8)
  --rounds R     measured rounds per gateway (default 7)
`;

function options() {
  const { values } = parseArgs({
    options: {
      before: { type: 'string' },
      after: { type: 'string', default: REPO },
      messages: { type: 'string', default: '2000' },
      clients: { type: 'string', default: '8' },
      rounds: { type: 'string', default: '7' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help || !values.before) {
    process.stdout.write(HELP);
    process.exit(values.help ? 0 : 2);
  }
  const int = wholeNumber(HELP);
  return {
    repos: { before: path.resolve(values.before), after: path.resolve(values.after) },
    messages: int('messages', values.messages, 1),
    clients: int('clients', values.clients, 1),
    rounds: int('rounds', values.rounds, 1),
  };
}

const USERS = [
  ['alice', '+15550002222'],
  ['bob', '+15550001111'],
] as const;

async function startFrom(repo: string, dir: string): Promise<{ child: Child; port: number }> {
  mkdirSync(dir, { recursive: true });
  const [smtpPort, pop3Port] = (await freePorts(2)) as [number, number];
  const from = (p: string) => JSON.stringify(path.join(repo, p));
  writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  const config = path.join(dir, 'nowsms.config.ts');
  writeFileSync(
    config,
    `// Written by bench/email-ab.ts.
import { defineConfig } from ${from('core/index.ts')};
import { pop3 } from ${from('plugins/pop3/index.ts')};
import { smtp } from ${from('plugins/smtp/index.ts')};
import { sqliteStore } from ${from('plugins/store-sqlite/index.ts')};

export default defineConfig({
  dataDir: ${JSON.stringify(path.join(dir, 'data'))},
  log: { level: 'warn' },
  security: { authFailureDelayMs: 0 },
  plugins: [sqliteStore(), smtp({ host: '127.0.0.1', port: ${smtpPort} }), pop3({ host: '127.0.0.1', port: ${pop3Port} })],
});
`,
  );
  const bin = path.join(repo, 'bin', 'nowsms.js');
  for (const [name, number] of USERS) {
    await run(
      `nowsms users add ${name}`,
      process.execPath,
      [bin, 'users', 'add', name, '--password', 'pw', '--smtp-login', '--recipients', number, '--config', config],
      {
        cwd: repo,
      },
    );
  }
  const child = startChild(`gateway from ${repo}`, process.execPath, [bin, 'start', '--config', config], { cwd: repo });
  await waitForPort(smtpPort, child, 60_000);
  return { child, port: smtpPort };
}

async function main(): Promise<void> {
  const o = options();
  installCleanup();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'nowsms-bench-ab-'));
  process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
  try {
    const names = ['before', 'after'] as const;
    const gateways = {} as Record<(typeof names)[number], { child: Child; port: number }>;
    for (const name of names) {
      gateways[name] = await startFrom(o.repos[name], path.join(tmp, name));
      progress(`${name}: ${o.repos[name]}, pid ${gateways[name].child.pid}, SMTP ${gateways[name].port}`);
    }
    let first = 0;
    const load = async (port: number) => {
      const r = await smtpLoad({
        port,
        clients: o.clients,
        messages: o.messages,
        login: { user: 'alice', password: 'pw' },
        mailFrom: 'alice@bench.localhost',
        rcptTo: '15550001111@sms.localhost',
        first,
      });
      first += o.messages;
      return r.elapsedMs;
    };
    progress(`warm-up, then ${o.rounds} x ${o.messages} messages each (${o.clients} clients), interleaved`);
    for (const name of names) await load(gateways[name].port);
    const figures = { before: { rate: [] as number[], cpu: [] as number[] }, after: { rate: [] as number[], cpu: [] as number[] } };
    for (let r = 0; r < o.rounds; r++) {
      for (const name of r % 2 ? [...names].reverse() : names) {
        const g = gateways[name];
        const c0 = cpuMs(g.child.pid);
        const ms = await load(g.port);
        const c1 = cpuMs(g.child.pid);
        figures[name].rate.push((o.messages * 1000) / ms);
        if (c0 !== undefined && c1 !== undefined) figures[name].cpu.push((c1 - c0) / o.messages);
      }
    }
    for (const name of names) {
      const f = figures[name];
      process.stdout.write(
        `${name.padEnd(7)} ${median(f.rate).toFixed(0)} msg/s (rounds ${f.rate.map((x) => x.toFixed(0)).join(', ')}), ` +
          `CPU ${f.cpu.length ? median(f.cpu).toFixed(3) : '?'} ms/msg (rounds ${f.cpu.map((x) => x.toFixed(2)).join(', ')})\n`,
      );
    }
    const ratios = figures.after.rate.map((a, i) => a / figures.before.rate[i]!);
    process.stdout.write(`after/before msg/s, each round: ${ratios.map((x) => x.toFixed(2)).join(', ')}; median ${median(ratios).toFixed(2)}\n`);
  } finally {
    await stopAll();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench: failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
