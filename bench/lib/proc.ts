// Child processes for the benchmark: every server runs outside the client process, in its own process
// group, and every one is stopped at the end, on an error, and on Ctrl-C. Nothing is left behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';

export interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  /** The last output of the process (stdout and stderr together), for error messages. */
  output(): string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited(): boolean;
}

const children = new Set<Child>();
const OUTPUT_KEEP = 16 * 1024;

/** Start a process in its own process group (so the group can be stopped as a whole). */
export function startChild(name: string, command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Child {
  const proc = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  const keep = (chunk: Buffer) => {
    out += chunk.toString('utf8');
    if (out.length > OUTPUT_KEEP) out = out.slice(-OUTPUT_KEEP);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.on('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
    proc.on('error', (err) => {
      done = true;
      keep(Buffer.from(`spawn error: ${err.message}\n`));
      resolve({ code: null, signal: null });
    });
  });
  if (proc.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  const child: Child = { name, proc, pid: proc.pid, output: () => out, exited, hasExited: () => done };
  children.add(child);
  void exited.then(() => {
    // The group may outlive its leader (dovecot's services); forget the child only once the group is empty.
    if (!groupAlive(child.pid)) children.delete(child);
  });
  return child;
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** SIGTERM to the leader (a graceful stop), then SIGKILL to the whole group if anything is still there. */
export async function stopChild(child: Child, graceMs = 8000): Promise<void> {
  if (!child.hasExited()) {
    try {
      process.kill(child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await Promise.race([child.exited, sleep(graceMs)]);
  }
  // Let the leader's own children (dovecot's services) finish their shutdown, then make sure.
  for (let i = 0; i < 40 && groupAlive(child.pid); i++) await sleep(50);
  if (groupAlive(child.pid)) signalGroup(child.pid, 'SIGKILL');
  for (let i = 0; i < 40 && groupAlive(child.pid); i++) await sleep(25);
  children.delete(child);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((c) => stopChild(c)));
}

let installed = false;

/** Stop the children on Ctrl-C, on SIGTERM, and (as a last resort, synchronously) when the process exits. */
export function installCleanup(): void {
  if (installed) return;
  installed = true;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping the servers\n`);
      void stopAll().finally(() => process.exit(130));
    });
  }
  process.on('exit', () => {
    for (const c of children) {
      if (!c.hasExited()) signalGroup(c.pid, 'SIGTERM');
      signalGroup(c.pid, 'SIGKILL');
    }
  });
}

/** A port nobody listens on right now (taken by binding port 0 and closing). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const a = srv.address();
      const port = a && typeof a === 'object' ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Distinct free ports (binding them all at once, so no two are the same). */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const srv = net.createServer();
          srv.once('error', reject);
          srv.listen(0, host, () => resolve(srv));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** Wait until something accepts TCP connections on the port; fails early if the child died. */
export async function waitForPort(port: number, child: Child, timeoutMs = 30_000, host = '127.0.0.1'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.hasExited()) throw new Error(`${child.name} exited before listening on ${host}:${port}:\n${child.output()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, host);
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${child.name} did not listen on ${host}:${port} within ${timeoutMs} ms:\n${child.output()}`);
    await sleep(50);
  }
}

/** Run a command to completion; throws with its output if it fails. */
export async function run(name: string, command: string, args: string[], options: { cwd?: string } = {}): Promise<string> {
  const child = startChild(name, command, args, options);
  const { code, signal } = await child.exited;
  await stopChild(child, 0);
  if (code !== 0) throw new Error(`${name} failed (${signal ?? `exit ${code}`}):\n${child.output()}`);
  return child.output();
}

/** A `VmXxx:  N kB` line of /proc/<pid>/status, in KiB, or undefined if /proc cannot tell. */
function statusKiB(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Resident set size now (VmRSS) in KiB. */
export const rssKiB = (pid: number) => statusKiB(pid, 'VmRSS');

/** Peak resident set size (VmHWM) in KiB. */
export const peakRssKiB = (pid: number) => statusKiB(pid, 'VmHWM');

/** This process's own CPU time (user + system) so far, in milliseconds. */
export function selfCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** CPU time (user + system) the process has used so far, in milliseconds; undefined if /proc cannot tell. */
export function cpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at state; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / clockTicks;
  } catch {
    return undefined;
  }
}

/**
 * A process and its live descendants, each with its /proc stat fields after the command name. By parentage,
 * not by process group: PostgreSQL's backends each start a session of their own (setsid), so a group would
 * hold the postmaster alone.
 */
function treeMembers(root: number): { pid: number; fields: string[] }[] | undefined {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const all = new Map<number, string[]>();
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // After the name: state(0) ppid(1) pgrp(2) ... utime(11) stime(12) cutime(13) cstime(14)
      all.set(Number(name), stat.slice(stat.lastIndexOf(')') + 2).split(' '));
    } catch {
      // exited meanwhile
    }
  }
  if (!all.has(root)) return [];
  const inTree = new Set([root]);
  // Parents can have higher pids than their children (pid wrap), so grow the set until it stops growing.
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, f] of all)
      if (!inTree.has(pid) && inTree.has(Number(f[1]))) {
        inTree.add(pid);
        grew = true;
      }
  }
  return [...inTree].map((pid) => ({ pid, fields: all.get(pid)! }));
}

/**
 * CPU time of a server and everything it started (dovecot's master and its services, PostgreSQL's
 * postmaster and its backends), in milliseconds: each live member's own time plus what it reaped of its
 * children that ended.
 */
export function treeCpuMs(root: number): number | undefined {
  const members = treeMembers(root);
  if (!members?.length) return undefined;
  let total = 0;
  for (const { fields: f } of members) total += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  return (total * 1000) / clockTicks;
}

/** Resident set size now of a server and whatever it started and left running, in KiB. */
export function treeRssKiB(root: number): number | undefined {
  const members = treeMembers(root);
  if (!members?.length) return undefined;
  return members.reduce((sum, m) => sum + (rssKiB(m.pid) ?? 0), 0);
}

// USER_HZ is 100 on every Linux the benchmark runs on (getconf CLK_TCK); /proc/self/stat cannot say.
const clockTicks = 100;
