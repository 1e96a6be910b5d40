// What a gateway costs before any traffic: the time from `nowsms start` to "gateway started" (every server
// listening) and the memory of the idle process, for the built gateway (dist/, what `npm start` runs) side by
// side with the TypeScript sources run through tsx (how nowsms ran before it had a build), and optionally
// with another checkout (`--before <dir>`, e.g. a `git worktree` of an older commit, run as it runs).
//
//   npx tsx bench/start.ts [--rounds R] [--idle S] [--before <dir>] [--json]
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchArgs, wholeNumber } from './lib/args.ts';
import { REPO } from './lib/gateway.ts';
import { freePorts, treeRssKiB, installCleanup, startChild, stopChild } from './lib/proc.ts';

const HELP = `npx tsx bench/start.ts [options]

  --rounds R     starts per variant, interleaved; medians are reported (default 7)
  --idle S       seconds the started gateway idles before its memory is read (default 10)
  --before DIR   also run the nowsms checkout in DIR (its own bin/nowsms.js and nowsms.config.ts)
  --json         print the figures as JSON
`;

const RSS_TARGET_MIB = 90;
const START_TARGET = 0.5;

interface Variant {
  name: string;
  repo: string;
  /** NODE_OPTIONS for the gateway. */
  nodeOptions?: string;
}

interface Sample {
  startMs: number;
  rssMiB: number;
}

function options() {
  const values = benchArgs(HELP, {
    rounds: { type: 'string', default: '7' },
    idle: { type: 'string', default: '10' },
    before: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  const int = wholeNumber(HELP);
  return { rounds: int('rounds', values.rounds, 1), idle: int('idle', values.idle, 0), before: values.before, json: values.json };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function once(v: Variant, idleSeconds: number): Promise<Sample> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'nowsms-bench-start-'));
  const [smtp, pop3, smpp, http] = await freePorts(4);
  const env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NOWSMS_') && k !== 'NODE_OPTIONS')),
    NOWSMS_DATA_DIR: path.join(tmp, 'data'),
    NOWSMS_SMTP_PORT: String(smtp),
    NOWSMS_POP3_PORT: String(pop3),
    NOWSMS_SMPP_PORT: String(smpp),
    NOWSMS_HTTP_PORT: String(http),
    NOWSMS_LOG_LEVEL: 'info',
  };
  const t0 = performance.now();
  // The bin itself, as an installed `nowsms start` runs (its #! line carries its node flags).
  const child = startChild(`gateway (${v.name})`, path.join(v.repo, 'bin/nowsms.js'), ['start', '--config', path.join(v.repo, 'nowsms.config.ts')], {
    cwd: tmp,
    env: v.nodeOptions ? { ...env, NODE_OPTIONS: v.nodeOptions } : env,
  });
  try {
    let startMs = NaN;
    while (Number.isNaN(startMs)) {
      if (child.output().includes('"gateway started"')) startMs = performance.now() - t0;
      else if (child.hasExited()) throw new Error(`${child.name} exited before it started:\n${child.output()}`);
      else await sleep(2);
    }
    await sleep(idleSeconds * 1000);
    return { startMs, rssMiB: (treeRssKiB(child.pid) ?? NaN) / 1024 };
  } finally {
    await stopChild(child);
    rmSync(tmp, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function main() {
  const opts = options();
  installCleanup();
  if (!existsSync(path.join(REPO, 'dist/core/cli.js'))) throw new Error('no dist/: run `npm run build` first (npm run bench:start does)');
  const variants: Variant[] = [
    { name: 'built (dist/)', repo: REPO },
    { name: 'sources via tsx', repo: REPO, nodeOptions: '--conditions=nowsms-source' },
  ];
  if (opts.before) variants.push({ name: `before (${opts.before})`, repo: path.resolve(opts.before) });
  const samples = new Map<string, Sample[]>(variants.map((v) => [v.name, []]));
  // One start of each first, not measured: the disk cache and tsx's transform cache are warm for every variant.
  for (const v of variants) await once(v, 0);
  for (let r = 0; r < opts.rounds; r++) {
    for (const v of variants) {
      process.stderr.write(`round ${r + 1}/${opts.rounds}: ${v.name}\n`);
      samples.get(v.name)!.push(await once(v, opts.idle));
    }
  }
  const rows = variants.map((v) => {
    const s = samples.get(v.name)!;
    return { variant: v.name, startMs: median(s.map((x) => x.startMs)), idleRssMiB: median(s.map((x) => x.rssMiB)), rounds: s };
  });
  const built = rows[0]!;
  const reference = rows[rows.length - 1]!;
  if (opts.json) {
    process.stdout.write(JSON.stringify({ rows, idleSeconds: opts.idle, targets: { idleRssMiB: RSS_TARGET_MIB, startRatio: START_TARGET } }, null, 2) + '\n');
    return;
  }
  process.stdout.write(`\nnowsms start with the example config, ${opts.rounds} rounds (medians); RSS after ${opts.idle} s idle (the process group)\n\n`);
  process.stdout.write(`${'variant'.padEnd(40)} ${'start ms'.padStart(9)} ${'idle RSS MiB'.padStart(13)}\n`);
  for (const r of rows) process.stdout.write(`${r.variant.padEnd(40)} ${r.startMs.toFixed(0).padStart(9)} ${r.idleRssMiB.toFixed(1).padStart(13)}\n`);
  process.stdout.write(
    `\nbuilt / ${reference.variant}: start ${(built.startMs / reference.startMs).toFixed(2)}x (target <= ${START_TARGET}x), ` +
      `idle RSS ${built.idleRssMiB.toFixed(1)} MiB (target <= ${RSS_TARGET_MIB})\n`,
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
