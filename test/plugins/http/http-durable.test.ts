// What must hold across failures, with the gateway as a process: guessing passwords gets slowed, then locked
// out (the right password too, from that address); a status callback owed when the gateway is killed -9 is
// made after the restart, with the same Idempotency-Key as before the kill.
import { execFile, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { missingPeer } from '../../helpers/peers.ts';
import { makeCertificate } from '../../helpers/tls.ts';
import { freePort, ROOT, startProcess, stopProcess, writeConfig } from '../../helpers/process.ts';
import { waitFor } from '../../helpers/wait.ts';
import { curl, receiver } from './curl.ts';

let gateway: ChildProcess | undefined;
afterEach(async () => {
  if (gateway) await stopProcess(gateway, 'SIGKILL');
  gateway = undefined;
});

async function start(port: number, sinkFile?: string) {
  const config = await writeConfig({
    withoutEmail: true,
    imports: { '{ httpInterface }': 'plugins/http/index.ts', ...(sinkFile ? { '{ sink }': 'test/plugins/http/sink.ts' } : {}) },
    keys: "users: [{ name: 'alice', password: 'alice-pw', httpLogin: true }],",
    plugins: [...(sinkFile ? [`sink(${JSON.stringify(sinkFile)})`] : []), `httpInterface({ port: ${port} })`],
  });
  return config;
}

describe.skipIf(missingPeer('curl'))('the HTTP interface under failures', () => {
  it('answers a wrong password 401 ten times, then locks the address out (429), the right password included', async () => {
    const port = await freePort();
    const config = await start(port);
    const started = await startProcess(config);
    gateway = started.child;
    const url = (pw: string) => `http://127.0.0.1:${port}/?PhoneNumber=%2B447700900123&Text=hi&User=alice&Password=${pw}`;
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await curl([url(`guess${i}`)])).status);
    // security.authFailuresPerIp (10): the eleventh try from this address is refused without checking.
    expect(statuses).toEqual([...Array<number>(10).fill(401), ...Array<number>(10).fill(429)]);
    const right = await curl([url('alice-pw')]);
    expect(right.status).toBe(429);
    expect(right.headers['retry-after']).toBeDefined();
    expect(right.body).toContain('ERROR');
    expect(started.lines.filter((l) => l.includes('authentication failed for user alice from 127.0.0.1 (http)'))).toHaveLength(10);
    // fail2ban, with the filter docs/config.md gives, sees the ten failures (the lockout refusals are not failures).
    if (!missingPeer('fail2ban-regex')) {
      const filter = /```ini\n([\s\S]*?)```/.exec(readFileSync(path.join(ROOT, 'docs/config.md'), 'utf8'))![1]!;
      writeFileSync(path.join(config.dir, 'nowsms.conf'), filter);
      writeFileSync(path.join(config.dir, 'gateway.log'), started.lines.join('\n') + '\n');
      const out = await new Promise<string>((resolve, reject) =>
        execFile('fail2ban-regex', ['-o', 'ip', path.join(config.dir, 'gateway.log'), path.join(config.dir, 'nowsms.conf')], (err, stdout) =>
          err ? reject(err) : resolve(stdout),
        ),
      );
      expect(out.trim().split('\n')).toEqual(Array<string>(10).fill('127.0.0.1'));
    }
  });

  it('makes a callback owed at a kill -9 after the restart, with the same Idempotency-Key', async () => {
    let answer = 503;
    const hook = await receiver(() => answer);
    try {
      const port = await freePort();
      const dir = (await writeConfig({ withoutEmail: true })).dir;
      const config = await start(port, path.join(dir, 'sunk.jsonl'));
      gateway = (await startProcess(config)).child;
      const r = await curl([
        '-u',
        'alice:alice-pw',
        '-H',
        'content-type: application/json',
        '--data-binary',
        JSON.stringify({ to: '+447700900123', text: 'durable', callbackUrl: `${hook.url}/cb` }),
        `http://127.0.0.1:${port}/api/v1/messages`,
      ]);
      expect(r.status).toBe(201);
      const id = (JSON.parse(r.body) as { messages: Array<{ id: string }> }).messages[0]!.id;
      // The receiver is failing: the gateway is still trying the first change when it is killed. Every change
      // is in the log by then (the sink's receipt comes once, from the process that sent), so all are owed.
      await waitFor('a first, failed callback', () => hook.calls.length >= 1);
      await waitFor('the receipt recorded', async () => {
        const got = await curl(['-u', 'alice:alice-pw', `http://127.0.0.1:${port}/api/v1/messages/${id}`]);
        return (JSON.parse(got.body) as { status: string }).status === 'delivered';
      });
      const before = hook.calls.map((c) => c.headers['idempotency-key'] as string);
      await stopProcess(gateway, 'SIGKILL');
      answer = 200;
      gateway = (await startProcess(config)).child;
      // A restart and a replay of the log: generous on a loaded machine.
      const delivered = await waitFor(
        'the delivered callback after the restart',
        () => hook.calls.some((c) => (JSON.parse(c.body) as { status: string }).status === 'delivered'),
        60_000,
      );
      expect(delivered).toBe(true);
      const after = hook.calls.slice(before.length);
      const payloads = after.map((c) => JSON.parse(c.body) as { id: string; status: string });
      expect(payloads.every((p) => p.id === id)).toBe(true);
      // The change being called at the kill is called again with its key; nothing owed was skipped.
      expect(after.map((c) => c.headers['idempotency-key'])).toContain(before[0]);
      expect(payloads.map((p) => p.status)).toEqual(expect.arrayContaining(['queued', 'sent', 'delivered']));
    } finally {
      await hook.close();
    }
  });

  it('serves HTTPS on tlsPort with the gateway certificate', async () => {
    const [port, tlsPort] = [await freePort(), await freePort()];
    const cert = makeCertificate();
    const config = await writeConfig({
      withoutEmail: true,
      imports: { '{ httpInterface }': 'plugins/http/index.ts' },
      keys: `users: [{ name: 'alice', password: 'alice-pw', httpLogin: true }], tls: { keyFile: ${JSON.stringify(cert.keyFile)}, certFile: ${JSON.stringify(cert.certFile)} },`,
      plugins: [`httpInterface({ port: ${port}, tlsPort: ${tlsPort} })`],
    });
    gateway = (await startProcess(config)).child;
    const r = await curl(['--cacert', cert.certFile, `https://127.0.0.1:${tlsPort}/?PhoneNumber=%2B447700900123&Text=secure&User=alice&Password=alice-pw`]);
    expect(r.status).toBe(200);
    expect(r.body).toContain('Message Submitted');
  });
});
