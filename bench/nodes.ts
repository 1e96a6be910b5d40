// Several gateway nodes on one database under SMPP load. Prints figures; asserts nothing about speed.
// Each setup runs N gateway processes on one database, each with the SMPP server (one load client bound
// to each node) and an SMPP client connection to one sink SMSC, which only the node holding it binds.
// A round submits M messages split across the nodes and measures, from the first submit_sm:
//   intake:     until every submit_sm is answered (committed), msg/s;
//   end to end: until every message is at the sink, msg/s and latency p50/p99;
//   CPU:        per message, every gateway process and the database server together.
// Setups: 1 node on SQLite (the embedded default), then 1, 2 and 3 nodes on PostgreSQL (a throwaway
// server on this machine, started from Debian's binaries), and 2 nodes sharing one SQLite file.
//
//   npx tsx bench/nodes.ts [--messages N] [--window W] [--rounds R] [--only sqlite,pg1,pg2,pg3,sqlite2] [--json] [--keep] [--cpu-prof]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchArgs, wholeNumber } from './lib/args.ts';
import { percentile } from './lib/phases.ts';
import { cpuMs, freePorts, treeCpuMs, installCleanup, stopAll, stopChild, type Child } from './lib/proc.ts';
import { BENCH_USER, startSmppGateway, writeSmppGatewayConfig } from './lib/smpp-gateway.ts';
import { smppLoad } from './lib/smpp-load.ts';
import { startSink } from './lib/smpp-sink.ts';
import { benchDatabase, type BenchDatabase } from './lib/postgres.ts';
import { median, progress, round, until } from './lib/figures.ts';

const HELP = `npx tsx bench/nodes.ts [options]

  --messages N   messages per measured round, split across the nodes (default 10000)
  --window W     submit_sm in flight from each node's load client; also the sink-side window (default 50)
  --rounds R     measured rounds per setup; the median is reported (default 3)
  --only LIST    setups to run (default sqlite,pg1,pg2,pg3,sqlite2)
  --json         print the figures as JSON
  --keep         keep the temp dir (configs, data, logs) and print its path
  --cpu-prof     run every node under node --cpu-prof (implies --keep; each node's profile goes to its dir's
                 profile/; profiling slows the nodes, so the figures of such a run are not comparable)
`;

const SETUPS = ['sqlite', 'pg1', 'pg2', 'pg3', 'sqlite2'] as const;
type SetupName = (typeof SETUPS)[number];

function options() {
  const values = benchArgs(HELP, {
    messages: { type: 'string', default: '10000' },
    window: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '3' },
    only: { type: 'string', default: SETUPS.join(',') },
    json: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
  });
  const int = wholeNumber(HELP);
  const only = values.only.split(',').map((s) => s.trim());
  for (const s of only) if (!(SETUPS as readonly string[]).includes(s)) throw new Error(`--only: unknown setup ${s} (${SETUPS.join(', ')})`);
  return {
    messages: int('messages', values.messages, 1),
    window: int('window', values.window, 1),
    rounds: int('rounds', values.rounds, 1),
    setups: SETUPS.filter((s) => only.includes(s)),
    json: values.json,
    keep: values.keep || values['cpu-prof'],
    cpuProf: values['cpu-prof'],
  };
}

interface Setup {
  name: string;
  nodes: number;
  /** The store every node uses; undefined: SQLite in each node's own data dir. */
  store?: { binding: string; module: string; expr: string };
  /** The database server's CPU so far, in milliseconds (the postmaster and its backends). */
  dbCpuMs?: () => number | undefined;
}

interface Run {
  intakeMsgPerSec: number;
  e2eMsgPerSec: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerMsg: number | undefined;
  /** The database server's part of it (PostgreSQL only). */
  dbCpuUsPerMsg: number | undefined;
}

async function setupOf(name: SetupName, tmp: string, pg: () => Promise<BenchDatabase>): Promise<Setup> {
  switch (name) {
    case 'sqlite':
      return { name: '1 node, SQLite', nodes: 1 };
    case 'sqlite2':
      return {
        name: '2 nodes, one SQLite file',
        nodes: 2,
        store: {
          binding: '{ sqliteStore }',
          module: 'plugins/store-sqlite/index.ts',
          expr: `sqliteStore({ file: ${JSON.stringify(path.join(tmp, 'shared.db'))} })`,
        },
      };
    default: {
      const nodes = Number(name.slice(2));
      const db = await pg();
      const url = await db.createDatabase(`bench_${name}`);
      return {
        name: `${nodes} node${nodes > 1 ? 's' : ''}, PostgreSQL`,
        nodes,
        store: { binding: '{ postgresStore }', module: 'plugins/store-postgres/index.ts', expr: `postgresStore({ url: ${JSON.stringify(url)} })` },
        dbCpuMs: () => treeCpuMs(db.pid),
      };
    }
  }
}

async function measure(o: ReturnType<typeof options>, setup: Setup, tmp: string): Promise<{ runs: Run[] }> {
  const [sinkPort] = (await freePorts(1)) as [number];
  const sink = await startSink(sinkPort);
  const nodes: { child: Child; smpp: number }[] = [];
  try {
    for (let i = 0; i < setup.nodes; i++) {
      const [smtp, pop3, smpp] = (await freePorts(3)) as [number, number, number];
      const dir = path.join(tmp, `${setup.name.replace(/\W+/g, '-')}-node${i + 1}`);
      const config = writeSmppGatewayConfig(dir, { smtp, pop3, smpp, sinkPort, sinkWindow: o.window }, { store: setup.store, nodeId: `node${i + 1}` });
      nodes.push({ child: await startSmppGateway(config, o.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', path.join(dir, 'profile')] : []), smpp });
    }
    await until(() => sink.binds >= 1, 'a node to bind to the sink', 60_000);
    let tag = 0;
    const once = async (messages: number): Promise<Run> => {
      const per = Math.ceil(messages / setup.nodes);
      const shares = nodes.map((_, i) => Math.max(0, Math.min(per, messages - i * per)));
      const first = tag;
      tag += messages;
      const arrived = new Float64Array(messages);
      let count = 0;
      sink.onArrival = (t, at) => {
        if (t === undefined || t < first || t >= first + messages) return;
        if (arrived[t - first] === 0) count++;
        arrived[t - first] = at;
      };
      const cpu = () => {
        let total = setup.dbCpuMs ? setup.dbCpuMs() : 0;
        for (const n of nodes) {
          const c = cpuMs(n.child.pid);
          total = total === undefined || c === undefined ? undefined : total + c;
        }
        return total;
      };
      const db0 = setup.dbCpuMs?.();
      const cpu0 = cpu();
      const t0 = performance.now();
      const loads = await Promise.all(
        nodes.map((n, i) =>
          smppLoad({
            port: n.smpp,
            systemId: BENCH_USER.name,
            password: BENCH_USER.password,
            messages: shares[i]!,
            window: o.window,
            firstTag: first + i * per,
          }),
        ),
      );
      const intakeDone = performance.now();
      for (const l of loads) if (l.refused.size) throw new Error(`submits refused: ${JSON.stringify([...l.refused])}`);
      await until(() => count === messages, `${messages} messages at the sink (have ${count})`, 300_000);
      sink.onArrival = undefined;
      const cpu1 = cpu();
      const db1 = setup.dbCpuMs?.();
      const sentAt = new Float64Array(messages);
      loads.forEach((l, i) => sentAt.set(l.sentAt, i * per));
      const latencies = Array.from(arrived, (a, i) => a - sentAt[i]!);
      const last = Math.max(...arrived);
      return {
        intakeMsgPerSec: (messages * 1000) / (intakeDone - t0),
        e2eMsgPerSec: (messages * 1000) / (last - t0),
        p50Ms: percentile(latencies, 0.5),
        p99Ms: percentile(latencies, 0.99),
        cpuUsPerMsg: cpu0 === undefined || cpu1 === undefined ? undefined : ((cpu1 - cpu0) * 1000) / messages,
        dbCpuUsPerMsg: db0 === undefined || db1 === undefined ? undefined : ((db1 - db0) * 1000) / messages,
      };
    };
    const warm = Math.min(2000, o.messages);
    progress(`${setup.name}: warm-up, ${warm} messages`);
    await once(warm);
    const runs: Run[] = [];
    for (let i = 0; i < o.rounds; i++) {
      progress(`${setup.name}: round ${i + 1}/${o.rounds}`);
      runs.push(await once(o.messages));
    }
    return { runs };
  } finally {
    for (const n of nodes) await stopChild(n.child);
    await sink.close();
  }
}

function summary(runs: Run[]) {
  const m = (f: (r: Run) => number) => round(median(runs.map(f)));
  return {
    intakeMsgPerSec: m((r) => r.intakeMsgPerSec),
    e2eMsgPerSec: m((r) => r.e2eMsgPerSec),
    p50Ms: m((r) => r.p50Ms),
    p99Ms: m((r) => r.p99Ms),
    cpuUsPerMsg: runs.every((r) => r.cpuUsPerMsg !== undefined) ? m((r) => r.cpuUsPerMsg!) : null,
    dbCpuUsPerMsg: runs.every((r) => r.dbCpuUsPerMsg !== undefined) ? m((r) => r.dbCpuUsPerMsg!) : null,
    rounds: runs.map((r) => ({ intake: round(r.intakeMsgPerSec), e2e: round(r.e2eMsgPerSec), p99Ms: round(r.p99Ms) })),
  };
}

async function main(): Promise<number> {
  const o = options();
  installCleanup();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'nowsms-bench-nodes-'));
  if (!o.keep) process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
  let db: BenchDatabase | undefined;
  const pg = async () => (db ??= await benchDatabase(path.join(tmp, 'postgres')));
  const results: Record<string, ReturnType<typeof summary> & { nodes: number }> = {};
  try {
    for (const name of o.setups) {
      const setup = await setupOf(name, tmp, pg);
      const { runs } = await measure(o, setup, tmp);
      results[setup.name] = { nodes: setup.nodes, ...summary(runs) };
    }
  } catch (err) {
    progress(`failed: ${(err as Error).stack ?? String(err)}`);
    return 1;
  } finally {
    await db?.stop();
    await stopAll();
    if (o.keep) progress(`kept ${tmp}`);
  }
  const figures = { messages: o.messages, window: o.window, rounds: o.rounds, cpus: os.cpus().length, node: process.version, setups: results };
  if (o.json) process.stdout.write(JSON.stringify(figures, null, 2) + '\n');
  else process.stdout.write(report(figures));
  return 0;
}

function report(f: {
  messages: number;
  window: number;
  rounds: number;
  cpus: number;
  node: string;
  setups: Record<string, ReturnType<typeof summary>>;
}): string {
  const lines = [
    `Nodes benchmark: ${f.messages} messages per round split across the nodes, window ${f.window} per load client, median of ${f.rounds} rounds, ${f.cpus} CPUs, node ${f.node}`,
    '',
    `  ${'setup'.padEnd(26)} ${'intake'.padStart(10)} ${'end to end'.padStart(11)} ${'p50'.padStart(9)} ${'p99'.padStart(9)} ${'CPU/msg'.padStart(10)} ${'of it DB'.padStart(9)}`,
  ];
  for (const [name, s] of Object.entries(f.setups)) {
    lines.push(
      `  ${name.padEnd(26)} ${`${s.intakeMsgPerSec}/s`.padStart(10)} ${`${s.e2eMsgPerSec}/s`.padStart(11)} ${`${s.p50Ms} ms`.padStart(9)} ${`${s.p99Ms} ms`.padStart(9)} ${`${s.cpuUsPerMsg ?? '?'} us`.padStart(10)} ${(s.dbCpuUsPerMsg === null ? '' : `${s.dbCpuUsPerMsg} us`).padStart(9)}`,
    );
  }
  const get = (name: string) => f.setups[name];
  const pg1 = get('1 node, PostgreSQL');
  const lite = get('1 node, SQLite');
  const ratios: string[] = [];
  for (const n of [2, 3]) {
    const pgn = get(`${n} nodes, PostgreSQL`);
    if (pg1 && pgn && pg1.cpuUsPerMsg && pgn.cpuUsPerMsg)
      ratios.push(`  CPU per message, ${n} nodes / 1 node: ${round(pgn.cpuUsPerMsg / pg1.cpuUsPerMsg, 2)}x (target <= 1.2x)`);
    if (pg1 && pgn && n === 2) ratios.push(`  end to end, 2 nodes / 1 node: ${round(pgn.e2eMsgPerSec / pg1.e2eMsgPerSec, 2)}x (target >= 1x)`);
  }
  if (pg1 && lite) ratios.push(`  end to end, 1 PostgreSQL node / 1 SQLite node: ${round(pg1.e2eMsgPerSec / lite.e2eMsgPerSec, 2)}x (target >= 0.7x)`);
  if (ratios.length) lines.push('', ...ratios);
  lines.push(
    '',
    '  CPU: every gateway process and the database server (PostgreSQL: its postmaster and backends, also shown alone), per message;',
    '  intake: every submit_sm answered.',
  );
  return lines.join('\n') + '\n';
}

process.exitCode = await main();
