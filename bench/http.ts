// The HTTP interface under load. Prints figures; asserts nothing about speed.
//   Send-URL intake: GET /?PhoneNumber=..&Text=..&User=..&Password=.. from C keep-alive clients, each answered
//   "Message Submitted" once committed, msg/s and p99 latency, in interleaved rounds beside
//     - Kannel: smsbox's /cgi-bin/sendsms into its bearerbox (store file), both feeding the same SMPP sink;
//     - a bare fastify route that answers the same URL without storing (the HTTP layer's own limit).
//   Targets (issue 11): >= 1.5x Kannel and >= 0.5x the bare route. Neither can be met by a server that
//   commits before it answers: 0.5x the bare route is above the store alone (the ceiling of any such server),
//   and Kannel's bearerbox never syncs its store file (it imports fflush, not fsync), so its answer comes
//   before its message is on the disk. The store-alone ratio is the figure to watch.
//
//   npx tsx bench/http.ts [--messages N] [--clients C] [--rounds R] [--no-kannel] [--postgres] [--json] [--keep] [--cpu-prof]
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStoreBench, smppItem } from './lib/store-ceiling.ts';
import { benchArgs, wholeNumber } from './lib/args.ts';
import { REPO } from './lib/gateway.ts';
import { httpLoad } from './lib/http-load.ts';
import { percentile } from './lib/phases.ts';
import { benchDatabase } from './lib/postgres.ts';
import { cpuMs, freePorts, installCleanup, startChild, stopAll, stopChild, treeCpuMs, waitForPort, type Child } from './lib/proc.ts';
import { BEARERBOX, startKannel, writeKannelConfig } from './lib/smpp-kannel.ts';
import { startSink } from './lib/smpp-sink.ts';
import { median, progress, round } from './lib/figures.ts';

const HELP = `npx tsx bench/http.ts [options]

  --messages N   requests per measured round and server (default 10000)
  --clients C    keep-alive clients sending at once (default 8)
  --rounds R     measured rounds per server, interleaved; the median is reported (default 3)
  --no-kannel    leave Kannel out
  --postgres     the gateway and the store-alone row on the PostgreSQL store (a throwaway server from Debian's
                 binaries; the database's CPU counted with the gateway's), instead of SQLite
  --json         print the figures as JSON
  --keep         keep the temp dir (configs, data, logs) and print its path
  --cpu-prof     run the gateway under node --cpu-prof (implies --keep; the profile goes to <temp dir>/profile;
                 profiling slows the gateway, so the figures of such a run are not comparable)
`;

function options() {
  const values = benchArgs(HELP, {
    messages: { type: 'string', default: '10000' },
    clients: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
    'no-kannel': { type: 'boolean', default: false },
    postgres: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
  });
  const int = wholeNumber(HELP);
  return {
    messages: int('messages', values.messages, 1),
    clients: int('clients', values.clients, 1),
    rounds: int('rounds', values.rounds, 1),
    kannel: !values['no-kannel'] && existsSync(BEARERBOX),
    postgres: values.postgres,
    json: values.json,
    keep: values.keep || values['cpu-prof'],
    cpuProf: values['cpu-prof'],
  };
}

/** `postgresUrl`: the gateway's store is PostgreSQL on that database, else SQLite in its data dir. */
function writeGatewayConfig(dir: string, port: number, sinkPort: number, postgresUrl?: string): string {
  mkdirSync(dir, { recursive: true });
  const from = (p: string) => JSON.stringify(path.join(REPO, p));
  writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  const config = path.join(dir, 'nowsms.config.ts');
  writeFileSync(
    config,
    `// Written by bench/http.ts.
import { defineConfig } from ${from('core/index.ts')};
import { httpInterface } from ${from('plugins/http/index.ts')};
import { smppClient } from ${from('plugins/smpp/index.ts')};
${postgresUrl ? `import { postgresStore } from ${from('plugins/store-postgres/index.ts')};` : `import { sqliteStore } from ${from('plugins/store-sqlite/index.ts')};`}

export default defineConfig({
  dataDir: ${JSON.stringify(path.join(dir, 'data'))},
  log: { level: 'warn' },
  security: { authFailureDelayMs: 0, apop: false },
  users: [{ name: 'bench', password: 'pw', httpLogin: true }],
  plugins: [
    ${postgresUrl ? `postgresStore({ url: ${JSON.stringify(postgresUrl)} })` : 'sqliteStore()'},
    httpInterface({ host: '127.0.0.1', port: ${port} }),
    smppClient({ id: 'sink', host: '127.0.0.1', port: ${sinkPort}, systemId: 'gw', password: 'pw', anyTraffic: true, window: 50, reconnect: { initialSeconds: 0.2, maxSeconds: 1, factor: 2 } }),
  ],
});
`,
  );
  return config;
}

interface Server {
  name: 'gateway' | 'kannel' | 'bare';
  port: number;
  pid: number;
  path: (i: number) => string;
  ok: (status: number, body: string) => boolean;
}

async function main() {
  const o = options();
  installCleanup();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'nowsms-bench-http-'));
  const [gwPort, barePort, sinkPort, admin, smsbox, sendsms] = (await freePorts(6)) as [number, number, number, number, number, number];
  const sink = await startSink(sinkPort);
  const children: Child[] = [];
  const db = o.postgres ? await benchDatabase(path.join(tmp, 'postgres')) : undefined;
  try {
    const gatewayDb = await db?.createDatabase('bench_gateway');
    const storeDb = await db?.createDatabase('bench_store_alone');
    const gateway = startChild(
      'gateway (nowsms start)',
      process.execPath,
      [
        ...(o.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', path.join(tmp, 'profile')] : []),
        path.join(REPO, 'bin/nowsms.js'),
        'start',
        '--config',
        writeGatewayConfig(path.join(tmp, 'gateway'), gwPort, sinkPort, gatewayDb),
      ],
      { cwd: REPO },
    );
    children.push(gateway);
    await waitForPort(gwPort, gateway, 60_000);
    const bare = startChild('bare fastify route', process.execPath, ['--import', 'tsx', path.join(REPO, 'bench/lib/http-bare.ts'), String(barePort)], {
      cwd: REPO,
    });
    children.push(bare);
    await waitForPort(barePort, bare);
    const text = (i: number) => encodeURIComponent(`bench message #${i}`);
    const servers: Server[] = [
      {
        name: 'gateway',
        port: gwPort,
        pid: gateway.pid,
        path: (i) => `/?PhoneNumber=%2B15557770000&Text=${text(i)}&User=bench&Password=pw`,
        ok: (s, b) => s === 200 && b.includes('Message Submitted'),
      },
      {
        name: 'bare',
        port: barePort,
        pid: bare.pid,
        path: (i) => `/?PhoneNumber=%2B15557770000&Text=${text(i)}`,
        ok: (s, b) => s === 200 && b.includes('Message Submitted'),
      },
    ];
    if (o.kannel) {
      const kdir = path.join(tmp, 'kannel');
      mkdirSync(kdir, { recursive: true });
      const setup = writeKannelConfig(kdir, { admin, smsbox, sendsms, sinkPort, window: 50 });
      const [smsboxChild, bearerbox] = await startKannel(setup, kdir);
      children.push(smsboxChild!, bearerbox!);
      servers.push({
        name: 'kannel',
        port: sendsms,
        pid: smsboxChild!.pid,
        path: (i) => `/cgi-bin/sendsms?username=bench&password=pw&from=15550001111&to=15557770000&text=${text(i)}`,
        ok: (s) => s === 202,
      });
    } else progress('Kannel left out (--no-kannel, or no bearerbox at ' + BEARERBOX + ')');
    const runs = new Map(servers.map((s) => [s.name, { rate: [] as number[], p99: [] as number[], p50: [] as number[], cpuUsPerMsg: [] as number[] }]));
    // The gateway's CPU includes its database server's, when that is a process of its own.
    const cpuOf = (s: Server) => {
      const own = cpuMs(s.pid);
      const dbCpu = s.name === 'gateway' && db ? treeCpuMs(db.pid) : 0;
      return own === undefined || dbCpu === undefined ? undefined : own + dbCpu;
    };
    const load = async (s: Server, measure: boolean) => {
      const c0 = cpuOf(s);
      const r = await httpLoad({ port: s.port, clients: o.clients, messages: o.messages, path: s.path, ok: s.ok });
      const c1 = cpuOf(s);
      if (r.failed) throw new Error(`${s.name}: ${r.failed} requests not accepted (first: ${r.firstFailure})`);
      if (!measure) return;
      const into = runs.get(s.name)!;
      into.rate.push((o.messages * 1000) / r.elapsedMs);
      into.p50.push(percentile(r.latenciesMs, 0.5));
      into.p99.push(percentile(r.latenciesMs, 0.99));
      if (c0 !== undefined && c1 !== undefined) into.cpuUsPerMsg.push(((c1 - c0) * 1000) / o.messages);
    };
    // The store alone (in this process): the same commits with as many in flight as there are clients, no HTTP.
    // The most any server answering after its commit could do on this store.
    const store = await openStoreBench(path.join(tmp, 'store-alone'), storeDb);
    const storeRates: number[] = [];
    progress(`warm-up, ${o.messages} requests each`);
    for (const s of servers) await load(s, false);
    await store.clients(o.messages, o.clients, smppItem);
    for (let i = 0; i < o.rounds; i++) {
      progress(`round ${i + 1}/${o.rounds}`);
      for (const s of servers) await load(s, true);
      storeRates.push(await store.clients(o.messages, o.clients, smppItem));
    }
    await store.close();
    const figures = Object.fromEntries(
      [...runs].map(([name, r]) => [
        name,
        {
          msgPerSec: round(median(r.rate)),
          p50Ms: round(median(r.p50), 2),
          p99Ms: round(median(r.p99), 2),
          ...(r.cpuUsPerMsg.length ? { serverCpuUsPerMsg: round(median(r.cpuUsPerMsg)) } : {}),
        },
      ]),
    ) as Record<string, { msgPerSec: number; p50Ms: number; p99Ms: number }>;
    const gw = figures.gateway!.msgPerSec;
    const storeAlone = round(median(storeRates));
    const out = {
      store: o.postgres ? 'postgresql' : 'sqlite',
      messages: o.messages,
      clients: o.clients,
      rounds: o.rounds,
      figures,
      storeAloneMsgPerSec: storeAlone,
      ratios: {
        gatewayOverBare: round(gw / figures.bare!.msgPerSec, 2),
        gatewayOverStoreAlone: round(gw / storeAlone, 2),
        ...(figures.kannel ? { gatewayOverKannel: round(gw / figures.kannel.msgPerSec, 2) } : {}),
      },
      targets: { overKannel: 1.5, overBare: 0.5 },
    };
    if (o.json) process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    else {
      process.stdout.write(
        `send-URL intake: ${o.messages} GET requests x ${o.rounds} rounds, ${o.clients} keep-alive clients (median of rounds), ${o.postgres ? 'PostgreSQL' : 'SQLite'} store\n`,
      );
      for (const [name, f] of Object.entries(figures))
        process.stdout.write(`  ${name.padEnd(8)} ${String(f.msgPerSec).padStart(8)} msg/s   p50 ${f.p50Ms} ms   p99 ${f.p99Ms} ms\n`);
      process.stdout.write(`  store alone ${storeAlone} msg/s  (${o.clients} committers, one message in flight each, no HTTP)\n`);
      process.stdout.write(`  gateway / store alone ${out.ratios.gatewayOverStoreAlone}   gateway / bare ${out.ratios.gatewayOverBare} (target >= 0.5)`);
      process.stdout.write(out.ratios.gatewayOverKannel !== undefined ? `   gateway / Kannel ${out.ratios.gatewayOverKannel} (target >= 1.5)\n` : '\n');
      process.stdout.write(
        `  (0.5x bare is ${round(figures.bare!.msgPerSec / 2, 0)} msg/s, ${storeAlone > figures.bare!.msgPerSec / 2 ? 'below' : 'above'} the store alone${figures.kannel ? '; Kannel answers before its store file is synced: it never fsyncs' : ''})\n`,
      );
    }
  } finally {
    for (const c of children.reverse()) await stopChild(c);
    await sink.close();
    await db?.stop();
    await stopAll();
    if (o.keep) progress(`kept ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
