// Kannel (Debian's bearerbox + smsbox) as a real SMPP client of the gateway: its config in a temp dir,
// its processes started and stopped by PID, its sendsms HTTP interface.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../../helpers/process.ts';

export interface KannelOptions {
  /** Our SMPP server. */
  smppPort: number;
  username: string;
  password: string;
  /** What Kannel answers every MO with. */
  autoReply: string;
}

export interface Kannel {
  dir: string;
  sendsmsPort: number;
  sendsmsUser: { username: string; password: string };
  /** HTTP GET /cgi-bin/sendsms (`extra`: more fields, such as coding or udh); resolves with Kannel's answer. */
  sendsms(from: string, to: string, text: string, extra?: Record<string, string>): Promise<{ status: number; body: string }>;
  /** Kannel's own logs, for a failing test's message. */
  logs(): string;
  stop(): Promise<void>;
}

function quote(v: string | number): string {
  return typeof v === 'number' ? String(v) : `"${v.replace(/"/g, '')}"`;
}

function group(name: string, fields: Record<string, string | number>): string {
  return [`group = ${name}`, ...Object.entries(fields).map(([k, v]) => `${k} = ${quote(v)}`)].join('\n');
}

function waitForPort(port: number, child: ChildProcess, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) return reject(new Error(`process exited with ${child.exitCode} before listening on ${port}`));
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve();
      });
      s.on('error', () => {
        s.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing listens on ${port} after ${ms} ms`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  process.kill(child.pid, 'SIGTERM');
  const killed = setTimeout(() => child.pid !== undefined && child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 5000);
  await exited;
  clearTimeout(killed);
}

export async function startKannel(opts: KannelOptions): Promise<Kannel> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nowsms-kannel-'));
  const [adminPort, smsboxPort, sendsmsPort] = [await freePort(), await freePort(), await freePort()];
  const sendsmsUser = { username: 'tester', password: 'foobar' };
  const file = path.join(dir, 'kannel.conf');
  writeFileSync(
    file,
    [
      group('core', {
        'admin-port': adminPort,
        'admin-password': 'admin',
        'admin-allow-ip': '127.0.0.1',
        'smsbox-port': smsboxPort,
        'box-allow-ip': '127.0.0.1',
        'log-file': path.join(dir, 'bearerbox.log'),
        'log-level': 0,
        'dlr-storage': 'internal',
      }),
      group('smsc', {
        smsc: 'smpp',
        'smsc-id': 'nowsms',
        host: '127.0.0.1',
        port: opts.smppPort,
        'transceiver-mode': 'true',
        'smsc-username': opts.username,
        'smsc-password': opts.password,
        'system-type': '',
        'enquire-link-interval': 30,
        'reconnect-delay': 1,
      }),
      group('smsbox', {
        'bearerbox-host': '127.0.0.1',
        'bearerbox-port': smsboxPort,
        'sendsms-port': sendsmsPort,
        'log-file': path.join(dir, 'smsbox.log'),
        'log-level': 0,
      }),
      // Long texts go out as concatenated parts (up to 5), as a Kannel that sends long messages is set up.
      group('sendsms-user', { ...sendsmsUser, 'user-allow-ip': '127.0.0.1', 'max-messages': 5, concatenation: 'true' }),
      group('sms-service', { keyword: 'default', text: opts.autoReply, 'max-messages': 1 }),
      '',
    ].join('\n\n'),
  );
  const children: ChildProcess[] = [];
  const start = (bin: string) => {
    const child = spawn(bin, [file], { cwd: dir, stdio: ['ignore', 'ignore', 'ignore'] });
    children.push(child);
    return child;
  };
  const stop = async () => {
    for (const c of children.reverse()) await stopChild(c);
    if (!process.env.NOWSMS_KEEP_KANNEL) rmSync(dir, { recursive: true, force: true });
  };
  try {
    const bearerbox = start('/usr/sbin/bearerbox');
    await waitForPort(smsboxPort, bearerbox);
    const smsbox = start('/usr/sbin/smsbox');
    await waitForPort(sendsmsPort, smsbox);
  } catch (err) {
    await stop();
    throw err;
  }
  const read = (name: string) => {
    try {
      return readFileSync(path.join(dir, name), 'utf8');
    } catch {
      return '';
    }
  };
  return {
    dir,
    sendsmsPort,
    sendsmsUser,
    async sendsms(from, to, text, extra = {}) {
      const q = new URLSearchParams({ ...sendsmsUser, from, to, text, ...extra });
      const res = await fetch(`http://127.0.0.1:${sendsmsPort}/cgi-bin/sendsms?${q.toString()}`);
      return { status: res.status, body: await res.text() };
    },
    logs: () => `--- bearerbox.log\n${read('bearerbox.log').slice(-4000)}\n--- smsbox.log\n${read('smsbox.log').slice(-4000)}`,
    stop,
  };
}
