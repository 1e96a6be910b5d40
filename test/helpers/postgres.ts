// A throwaway PostgreSQL server from Debian's binaries (the postgresql package), for the Postgres store's
// tests: its own data dir and socket dir in a temp dir, a free port on 127.0.0.1, trust authentication,
// fsync on (durability is what the store promises). initdb refuses to run as root: when the tests run as
// root, the server runs as the `postgres` user (setpriv), and the temp dir belongs to that user.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './process.ts';
import { waitFor } from './wait.ts';

/** The newest installed PostgreSQL's bin directory, or undefined. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', 'postgres')) && existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] && path.join(root, versions[0], 'bin');
}

/** For `describe.skipIf(...)`: true when PostgreSQL is missing and peers are optional; throws when they are required (CI). */
export function missingPostgres(): boolean {
  if (postgresBinDir()) return false;
  if (process.env.NOWSMS_REQUIRE_PEERS === '1')
    throw new Error('peer PostgreSQL is required (NOWSMS_REQUIRE_PEERS=1) but not installed: run .ci/run or apt-get install postgresql');
  console.warn('skipping tests that need PostgreSQL: not installed (apt-get install postgresql)');
  return true;
}

export interface PostgresServer {
  port: number;
  /** A connection URL for this database as the superuser `postgres` (trust authentication: no password). */
  url(database?: string): string;
  /** Runs one statement as the superuser on the `postgres` database. */
  admin<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
  /** A fresh empty database; its name. */
  createDatabase(): Promise<string>;
  dropDatabase(name: string): Promise<void>;
  /** Stops the server (fast shutdown: sessions are cut); `start` brings it back on the same port and data. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its files. */
  destroy(): Promise<void>;
}

const asRoot = process.getuid?.() === 0;

/** The postgres server's arguments: `data` dir, on loopback at `port`, its socket in `socketDir`, and `settings` (name=value). */
export function serverArgs(data: string, port: number, socketDir: string, settings: string[]): string[] {
  return ['-D', data, '-p', String(port), '-k', socketDir, '-c', 'listen_addresses=127.0.0.1', ...settings.flatMap((s) => ['-c', s])];
}

function asPostgres(cmd: string, args: string[]): [string, string[]] {
  return asRoot ? ['setpriv', ['--reuid=postgres', '--regid=postgres', '--clear-groups', '--', cmd, ...args]] : [cmd, args];
}

/**
 * `tls`: the server takes TLS connections only (pg_hba `hostssl`), with this certificate and key; the tests'
 * own admin connections then use TLS too, without checking the certificate.
 */
export async function startPostgres(opts: { tls?: { certFile: string; keyFile: string } } = {}): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nowsms-pg-'));
  if (asRoot) chownSync(dir, uid('postgres'), gid('postgres'));
  const data = path.join(dir, 'data');
  const [initCmd, initArgs] = asPostgres(path.join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '--encoding=UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  const init = spawnSync(initCmd, initArgs, { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  const settings = ['fsync=on', 'max_connections=300'];
  if (opts.tls) {
    // The server reads its key only when it is private to the server's user.
    for (const [from, to] of [
      [opts.tls.certFile, 'server.crt'],
      [opts.tls.keyFile, 'server.key'],
    ] as const) {
      copyFileSync(from, path.join(data, to));
      chmodSync(path.join(data, to), 0o600);
      if (asRoot) chownSync(path.join(data, to), uid('postgres'), gid('postgres'));
    }
    writeFileSync(path.join(data, 'pg_hba.conf'), 'local all all trust\nhostssl all all 127.0.0.1/32 trust\n');
    settings.push('ssl=on', 'ssl_cert_file=server.crt', 'ssl_key_file=server.key');
  }
  const port = await freePort();
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const admin = async <R extends pg.QueryResultRow>(sql: string, params?: unknown[]) => {
    const c = new pg.Client({ connectionString: url(), ...(opts.tls ? { ssl: { rejectUnauthorized: false } } : {}) });
    await c.connect();
    try {
      return await c.query<R>(sql, params);
    } finally {
      await c.end();
    }
  };
  const start = async () => {
    const [cmd, args] = asPostgres(path.join(bin, 'postgres'), serverArgs(data, port, dir, settings));
    let log = '';
    const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    p.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
    child = p;
    exited = new Promise((resolve) => p.once('exit', () => resolve()));
    await waitFor(`PostgreSQL on port ${port}`, async () => {
      if (p.exitCode !== null) throw new Error(`postgres exited: ${log}`);
      await admin('SELECT 1');
      return true;
    });
  };
  const stop = async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGINT'); // fast shutdown: sessions are cut, what was committed stays
      await exited;
    }
    child = undefined;
  };
  await start();
  let counter = 0;
  return {
    port,
    url,
    admin,
    createDatabase: async () => {
      const name = `t_${process.pid}_${++counter}_${Math.random().toString(36).slice(2, 8)}`;
      await admin(`CREATE DATABASE ${name}`);
      return name;
    },
    dropDatabase: async (name) => {
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
    stop,
    start,
    destroy: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let shared: Promise<PostgresServer> | undefined;

/** One server for the whole test file, started on first use; `stopSharedPostgres` (in an afterAll) ends it. */
export function sharedPostgres(): Promise<PostgresServer> {
  return (shared ??= startPostgres());
}

export async function stopSharedPostgres(): Promise<void> {
  const s = shared;
  shared = undefined;
  if (s) await (await s).destroy();
}

function uid(user: string): number {
  return Number(spawnSync('id', ['-u', user], { encoding: 'utf8' }).stdout.trim());
}
function gid(user: string): number {
  return Number(spawnSync('id', ['-g', user], { encoding: 'utf8' }).stdout.trim());
}
