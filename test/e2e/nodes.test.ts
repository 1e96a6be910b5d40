// Several gateway nodes on one database, each a real `nowsms start` process: the SMSC bind has one holder
// and moves to another node when its holder is killed; a message submitted on any node is sent once (at
// most the window again after a kill); a maildrop open on one node is [IN-USE] on the other; what arrives
// on one node reaches an SMPP client bound on the other. The databases: PostgreSQL (three nodes, and a
// database restart while traffic flows) and one SQLite file two nodes on one machine share.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { missingPostgres, startPostgres, type PostgresServer } from '../helpers/postgres.ts';
import { swaks } from '../helpers/swaks.ts';
import { cli, freePort, ROOT, startProcess, stopProcess, writeConfig, type ConfigFile } from '../helpers/process.ts';
import { waitFor } from '../helpers/wait.ts';
import { SmppTestClient } from '../plugins/smpp/server/client.ts';
import { SmscSimulator } from '../plugins/smpp/smsc-simulator/index.ts';

const WINDOW = 10;

interface SharedDatabase {
  name: string;
  imports: Record<string, string>;
  /** The store plug-in expression every node's config uses. */
  store: string;
}

function sqliteFile(): SharedDatabase {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'nowsms-nodes-')), 'shared.db');
  return { name: 'one SQLite file', imports: { '{ sqliteStore }': 'plugins/store-sqlite/index.ts' }, store: `sqliteStore({ file: ${JSON.stringify(file)} })` };
}

let server: PostgresServer | undefined;
afterAll(async () => {
  await server?.destroy();
});

async function postgresDatabase(): Promise<SharedDatabase> {
  server ??= await startPostgres();
  const name = await server.createDatabase();
  return {
    name: 'PostgreSQL',
    imports: { '{ postgresStore }': 'plugins/store-postgres/index.ts' },
    store: `postgresStore({ url: ${JSON.stringify(server.url(name))} })`,
  };
}

const skipPostgres = missingPostgres();
const databases: { name: string; nodes: number; skip: boolean; open(): Promise<SharedDatabase> }[] = [
  { name: 'PostgreSQL', nodes: 3, skip: skipPostgres, open: postgresDatabase },
  { name: 'one SQLite file', nodes: 2, skip: false, open: async () => sqliteFile() },
];

const children: ChildProcess[] = [];
let sim: SmscSimulator | undefined;
afterEach(async () => {
  for (const c of children.splice(0)) await stopProcess(c, 'SIGKILL');
  await sim?.stop();
  sim = undefined;
});

interface Node {
  id: string;
  config: ConfigFile;
  smppPort: number;
  child?: ChildProcess;
  /** The node's log, one JSON object a line (for a failure's message). */
  lines?: string[];
}

const SECRET_KEY = randomBytes(32).toString('base64') + '\n';

async function nodeConfig(db: SharedDatabase, id: string, smscPort: number, throughput: number): Promise<Node> {
  const smppPort = await freePort();
  const config = await writeConfig({
    imports: { ...db.imports, '{ smppClient, smppServer }': 'plugins/smpp/index.ts' },
    store: db.store,
    keys: `nodeId: '${id}', holderLeaseSeconds: 3, retry: { maxAttempts: 20, firstDelaySeconds: 0.1, stepSeconds: 0.1, throttlePauseSeconds: 0.1 },`,
    plugins: [
      `smppClient({ id: 'smsc', host: '127.0.0.1', port: ${smscPort}, systemId: 'nowsms', password: 'secret', anyTraffic: true,
        window: ${WINDOW}, throughput: ${throughput}, reconnect: { initialSeconds: 0.05, maxSeconds: 0.5, factor: 2 } })`,
      `smppServer({ host: '127.0.0.1', port: ${smppPort} })`,
    ],
  });
  // Every node has the same secret key, as the README asks: the first node's, copied to the others'.
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(path.join(config.dataDir, 'secret.key'), SECRET_KEY, { mode: 0o600 });
  return { id, config, smppPort };
}

async function start(node: Node): Promise<void> {
  const { child, lines } = await startProcess(node.config);
  node.child = child;
  node.lines = lines;
  children.push(node.child);
}

function status(node: Node): { connections: Record<string, { state: string }>; node: string; nodes: { id: string; connections: string[] }[] } {
  const r = cli(['status', '--json', '--config', node.config.file]);
  if (r.status !== 0) throw new Error(`nowsms status: ${r.status} ${r.stdout} ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const smscState = (node: Node) => status(node).connections.smsc?.state;

/** Submit `count` MT messages through a node's store (as `nowsms inject` would, in batches); the acknowledged texts. */
function submitAll(config: ConfigFile, count: number, prefix: string): Promise<string[]> {
  const fixture = path.join(ROOT, 'test/plugins/smpp/client/fixtures/submit-mt.ts');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, config.file, String(count), prefix], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d) => (err += d));
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`submitter exited with ${code}: ${err}`));
      resolve(
        out
          .split('\n')
          .filter((l) => l.startsWith('ack '))
          .map((l) => l.slice(4)),
      );
    });
  });
}

/** A POP3 conversation over a plain socket: each call sends a line and resolves with the first reply line. */
async function pop3(port: number): Promise<{ greeting: string; say(line: string): Promise<string>; close(): void }> {
  const socket = net.connect(port, '127.0.0.1');
  const lines: string[] = [];
  let waiting: (() => void) | undefined;
  let buf = '';
  socket.on('data', (d: Buffer) => {
    buf += d.toString('latin1');
    let i;
    while ((i = buf.indexOf('\r\n')) >= 0) {
      lines.push(buf.slice(0, i));
      buf = buf.slice(i + 2);
    }
    waiting?.();
  });
  const next = async () => {
    while (lines.length === 0) await new Promise<void>((r) => (waiting = r));
    return lines.shift()!;
  };
  const greeting = await next();
  return {
    greeting,
    say: (line) => {
      socket.write(`${line}\r\n`);
      return next();
    },
    close: () => socket.destroy(),
  };
}

for (const database of databases) {
  describe.skipIf(database.skip)(`gateway nodes on ${database.name}`, () => {
    it(`${database.nodes} nodes: one holds the SMSC bind; a kill -9 of it moves the bind to another, and every acknowledged message is sent`, async () => {
      const db = await database.open();
      sim = await SmscSimulator.start({ systemId: 'nowsms', password: 'secret' });
      // Slow enough that the kill lands while messages are still queued.
      const nodes: Node[] = [];
      for (let i = 0; i < database.nodes; i++) nodes.push(await nodeConfig(db, `node-${'abc'[i]}`, sim.port, 150));
      const [a, ...others] = nodes as [Node, ...Node[]];
      await start(a);
      await waitFor('node A bound to the SMSC', () => sim!.bound.length === 1);
      for (const n of others) await start(n);
      expect(smscState(a)).toBe('up');
      for (const n of others) expect(smscState(n)).toBe('standby');
      expect(sim.bound).toHaveLength(1);
      expect(status(others[0]!)).toMatchObject({
        node: 'node-b',
        nodes: nodes.map((n) => ({ id: n.id, connections: n === a ? ['smsc'] : [] })),
      });

      // Submitted through the other nodes' stores: node A, the holder, sends them.
      const acked = (await Promise.all(others.map((n) => submitAll(n.config, Math.round(800 / others.length), `nodes ${n.id}`)))).flat();
      const received = () => new Set(sim!.submits.filter((s) => s.messageId !== undefined).map((s) => s.view.text));
      await waitFor('sending under way', () => received().size >= 100, 60_000);
      a.child!.kill('SIGKILL');
      await new Promise((r) => a.child!.once('exit', r));
      expect(received().size).toBeLessThan(acked.length);

      await waitFor('another node holding the SMSC connection', () => others.some((n) => smscState(n) === 'up'), 30_000);
      await waitFor('every acknowledged message at the SMSC', () => acked.every((t) => received().has(t)), 120_000);
      expect(sim.bound).toHaveLength(1);
      expect(others.map(smscState).sort()).toEqual([...others.slice(1).map(() => 'standby'), 'up']);
      await waitFor("node A's heartbeat gone", () => status(others[0]!).nodes.length === others.length, 30_000);
      const holder = others.find((n) => smscState(n) === 'up')!;
      expect(status(others[0]!).nodes).toEqual(others.map((n) => ({ id: n.id, connections: n === holder ? ['smsc'] : [] })));
      // At least once: what node A had sent without hearing the SMSC's answer may go again, at most a window.
      const accepted = sim.submits.filter((s) => s.messageId !== undefined).length;
      expect(accepted - acked.length).toBeLessThanOrEqual(WINDOW);
    }, 240_000);

    it("a second gateway started with a running node's id refuses to start, naming it; that node restarted after a kill -9 takes its bind back", async () => {
      const db = await database.open();
      sim = await SmscSimulator.start({ systemId: 'nowsms', password: 'secret' });
      const a = await nodeConfig(db, 'node-a', sim.port, 100);
      await start(a);
      await waitFor('node A bound to the SMSC', () => sim!.bound.length === 1);
      // Another machine's copy of node A's config: its own data directory and ports, the same node id.
      const twin = await nodeConfig(db, 'node-a', sim.port, 100);
      await expect(start(twin)).rejects.toThrow(/another gateway is running as node node-a \(.* pid \d+.*give each node its own nodeId/);
      expect(smscState(a)).toBe('up');
      expect(sim.bound).toHaveLength(1);

      a.child!.kill('SIGKILL');
      await new Promise((r) => a.child!.once('exit', r));
      await start(a);
      expect(a.lines!.some((l) => l.includes("the node's previous process died: taking over its leases"))).toBe(true);
      await waitFor('node A bound again', () => smscState(a) === 'up');
      expect(status(a).nodes).toEqual([{ id: 'node-a', connections: ['smsc'] }]);
    }, 60_000);

    it('a maildrop open on one node is [IN-USE] on the other until that session quits, and free there at once after', async () => {
      const db = await database.open();
      sim = await SmscSimulator.start({ systemId: 'nowsms', password: 'secret' });
      const a = await nodeConfig(db, 'node-a', sim.port, 100);
      const b = await nodeConfig(db, 'node-b', sim.port, 100);
      expect(cli(['users', 'add', 'bob', '--password', 'bob-pw', '--smtp-login', '--recipients', '+15550001111', '--config', a.config.file]).status).toBe(0);
      await start(a);
      await start(b);

      const onA = await pop3(a.config.pop3Port);
      expect(await onA.say('USER bob')).toMatch(/^\+OK/);
      expect(await onA.say('PASS bob-pw')).toMatch(/^\+OK/);
      const onB = await pop3(b.config.pop3Port);
      expect(await onB.say('USER bob')).toMatch(/^\+OK/);
      expect(await onB.say('PASS bob-pw')).toMatch(/^-ERR \[IN-USE\]/);
      expect(await onA.say('QUIT')).toMatch(/^\+OK/);
      // A client that quits and logs in again through another node (a load balancer) finds it free.
      expect(await onB.say('USER bob')).toMatch(/^\+OK/);
      expect(await onB.say('PASS bob-pw')).toMatch(/^\+OK/);
      onA.close();
      onB.close();
    }, 60_000);

    it('a message arriving on node A reaches an SMPP client bound on node B; bound on both, it is delivered once', async () => {
      const db = await database.open();
      sim = await SmscSimulator.start({ systemId: 'nowsms', password: 'secret' });
      const a = await nodeConfig(db, 'node-a', sim.port, 100);
      const b = await nodeConfig(db, 'node-b', sim.port, 100);
      expect(cli(['users', 'add', 'carol', '--password', 'carol-pw', '--smpp-login', '--recipients', '+15550003333', '--config', a.config.file]).status).toBe(
        0,
      );
      await start(a);
      await start(b);
      const bind = async (n: Node) => {
        const { client, resp } = await SmppTestClient.bound(n.smppPort, 'bind_receiver', 'carol', 'carol-pw');
        expect(resp.command_status).toBe(0);
        return client;
      };
      const onB = await bind(b);
      let onA: SmppTestClient | undefined;
      const texts = (c: SmppTestClient | undefined) => (c?.received ?? []).map((p) => (p.short_message as { message?: string }).message);
      try {
        // The MO arrives from the SMSC, whose bind node A holds.
        await waitFor('node A bound to the SMSC', () => sim!.bound.length === 1);
        expect(await sim.deliverMo({ from: '+447700900123', to: '+15550003333', text: 'hello across nodes' })).toEqual([0]);
        await onB.until(() => onB.received.length > 0, 'the deliver_sm on node B', 30_000);
        expect(texts(onB)).toEqual(['hello across nodes']);

        // The application binds to both nodes for redundancy: each message still comes once.
        onA = await bind(a);
        for (let i = 1; i <= 5; i++) expect(await sim.deliverMo({ from: '+447700900123', to: '+15550003333', text: `twice bound ${i}` })).toEqual([0]);
        await waitFor('five messages delivered', () => texts(onA).length + texts(onB).length === 6, 30_000);
        expect(texts(onB)).toEqual(['hello across nodes', 'twice bound 1', 'twice bound 2', 'twice bound 3', 'twice bound 4', 'twice bound 5']);
        // Node B's receiver goes: node A delivers from then on.
        await onB.close();
        expect(await sim.deliverMo({ from: '+447700900123', to: '+15550003333', text: 'after the unbind' })).toEqual([0]);
        await onA.until(() => onA!.received.length > 0, 'the deliver_sm on node A', 30_000);
        expect(texts(onA)).toEqual(['after the unbind']);
      } finally {
        await onB.close();
        await onA?.close();
      }
    }, 90_000);
  });
}

describe.skipIf(skipPostgres)('two gateway nodes on PostgreSQL, the database restarted', () => {
  it('while traffic flows: refused as temporary while it is away (SMPP 0x14, SMTP 451), nothing acknowledged lost, the nodes recover by themselves', async () => {
    const db = await postgresDatabase();
    sim = await SmscSimulator.start({ systemId: 'nowsms', password: 'secret' });
    const a = await nodeConfig(db, 'node-a', sim.port, 500);
    const b = await nodeConfig(db, 'node-b', sim.port, 500);
    expect(
      cli(['users', 'add', 'app', '--password', 'app-pw', '--smpp-login', '--smtp-login', '--recipients', '+15550004444', '--config', a.config.file]).status,
    ).toBe(0);
    await start(a);
    await start(b);
    const clients = await Promise.all(
      [a, b].map(async (n) => {
        const { client, resp } = await SmppTestClient.bound(n.smppPort, 'bind_transmitter', 'app', 'app-pw');
        expect(resp.command_status).toBe(0);
        return client;
      }),
    );
    const acked: string[] = [];
    const refusals = new Set<number>();
    let sending = true;
    const traffic = Promise.all(
      clients.map(async (client, c) => {
        for (let k = 0; sending; k++) {
          const text = `restart ${c}-${k}`;
          const resp = await client.submit({
            source_addr: '15550001111',
            destination_addr: `4477009${String(k % 100000).padStart(5, '0')}`,
            short_message: text,
          });
          if (resp.command_status === 0) acked.push(text);
          else {
            refusals.add(resp.command_status);
            await new Promise((r) => setTimeout(r, 50));
          }
        }
      }),
    );
    try {
      await waitFor('traffic flowing', () => acked.length >= 100, 30_000);
      await server!.stop();
      await waitFor('a submit refused while the database is away', () => refusals.size > 0, 30_000);
      const mail = await swaks(a.config.smtpPort, 'app', 'app-pw', ['--to', '15557770000@sms.localhost', '--body', 'while the database is away']);
      expect(mail.last, mail.out).toMatch(/^4\d\d /);
      const before = acked.length;
      await server!.start();
      await waitFor('submits accepted again on both nodes', () => acked.length >= before + 100, 60_000);
    } finally {
      sending = false;
      await traffic;
      await Promise.all(clients.map((c) => c.close()));
    }
    expect([...refusals].every((s) => s === 0x14 || s === 0x58)).toBe(true);
    const received = () => new Set(sim!.submits.filter((s) => s.messageId !== undefined).map((s) => s.view.text));
    await waitFor('every acknowledged message at the SMSC', () => acked.every((t) => received().has(t)), 120_000)
      .catch((e) => {
        const missing = acked.filter((t) => !received().has(t));
        throw new Error(
          `${(e as Error).message}: ${missing.length} of ${acked.length} missing (${missing.slice(0, 5).join(', ')}); nodes ${JSON.stringify([status(a), status(b)].map((s) => s.connections.smsc))}`,
        );
      })
      .catch((e) => {
        for (const n of [a, b]) writeFileSync(path.join(n.config.dir, 'gateway.log'), (n.lines ?? []).join('\n'));
        throw new Error(`${(e as Error).message}; logs: ${a.config.dir}/gateway.log ${b.config.dir}/gateway.log`);
      });
    expect([smscState(a), smscState(b)].sort()).toEqual(['standby', 'up']);
  }, 240_000);
});
