// A throwaway PostgreSQL server for the benchmarks, from Debian's binaries: its own data dir and port,
// run as the `postgres` user (initdb refuses root). Its CPU is its whole process tree's, the postmaster
// and every backend. fsync stays on: durability is part of what is measured.
import { chmodSync, chownSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { postgresBinDir, serverArgs } from '../../test/helpers/postgres.ts';
import { freePort, run, startChild, stopChild, type Child } from './proc.ts';

export interface BenchDatabase {
  /** The server's process (runuser, with the postmaster and its backends under it). */
  pid: number;
  /** Create an empty database; its connection URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

export async function benchDatabase(dir: string): Promise<BenchDatabase> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL is not installed: apt-get install postgresql');
  const data = path.join(dir, 'data');
  mkdirSync(dir, { recursive: true });
  // The server runs as `postgres`: it must own its directory and be able to reach it.
  const { uid, gid } = await idOf('postgres');
  chownSync(dir, uid, gid);
  for (let d = path.dirname(dir); d !== '/'; d = path.dirname(d)) if (d.startsWith('/tmp/')) chmodSync(d, 0o755);
  await run('initdb', 'runuser', ['-u', 'postgres', '--', path.join(bin, 'initdb'), '-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale']);
  const port = await freePort();
  const server: Child = startChild('postgres', 'runuser', [
    '-u',
    'postgres',
    '--',
    path.join(bin, 'postgres'),
    ...serverArgs(data, port, dir, ['max_connections=200']),
  ]);
  const admin = `postgres://postgres@127.0.0.1:${port}/postgres`;
  for (let i = 0; ; i++) {
    const c = new pg.Client({ connectionString: admin });
    try {
      await c.connect();
      await c.end();
      break;
    } catch (err) {
      await c.end().catch(() => undefined);
      if (server.hasExited() || i > 200) throw new Error(`PostgreSQL did not start: ${(err as Error).message}\n${server.output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    pid: server.pid,
    createDatabase: async (name) => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE ${name}`);
      } finally {
        await c.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    stop: () => stopChild(server),
  };
}

async function idOf(user: string): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run('id', 'id', ['-u', user]), run('id', 'id', ['-g', user])]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}
