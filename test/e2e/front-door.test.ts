// The front door under abuse, against the gateway started as a user starts it (`nowsms start --config`):
// idle connections from one address do not lock out another, guessed passwords are refused after the limit
// on every service with a log line fail2ban can read, and connections that never log in are closed.
// The whole of 127/8 is loopback: each "attacker" and "user" connects from an address of its own.
import { execFile } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingPeer } from '../helpers/peers.ts';
import { cli, freePort, ROOT, startProcess, stopProcess, writeConfig, type ConfigFile } from '../helpers/process.ts';
import { cstr, pdu, RawSmpp } from '../plugins/smpp/server/raw.ts';

const ALICE = { name: 'alice', password: 'alice-pw' };
/** The filter docs/config.md gives for fail2ban, with <HOST> as fail2ban expands it (an address). */
const FAIL2BAN = /authentication failed for user \S+ from (?<host>[0-9a-fA-F.:]+) \((?:smtp|pop3|smpp)\)/;

/** A line-oriented client (SMTP, POP3) that connects from a chosen loopback address and keeps what it hears. */
class Talk {
  text = '';
  closed = false;
  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => (this.text += d.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => (this.closed = true));
  }
  static open(port: number, localAddress: string): Promise<Talk> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host: '127.0.0.1', localAddress }, () => resolve(new Talk(s)));
      s.once('error', reject);
    });
  }
  send(line: string): void {
    this.socket.write(line + '\r\n');
  }
  async until(check: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; heard ${JSON.stringify(this.text)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  waitFor(re: RegExp): Promise<void> {
    return this.until(() => re.test(this.text), String(re));
  }
}

function run(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) =>
    execFile(cmd, args, { timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: `${stdout}${stderr}` }),
    ),
  );
}

const swaks = (port: number, from: string, password: string) =>
  run('swaks', [
    '--server', '127.0.0.1', '--port', String(port), '--local-interface', from,
    '--auth', 'PLAIN', '--auth-user', ALICE.name, '--auth-password', password,
    '--from', 'alice@example.com', '--to', '15550002222@sms.localhost', '--body', 'through the front door', '--timeout', '20',
  ]); // prettier-ignore

const curlPop3 = (port: number, from: string, password: string) =>
  run('curl', ['-s', '-S', '-v', '--max-time', '20', '--interface', from, `pop3://127.0.0.1:${port}/`, '-u', `${ALICE.name}:${password}`]);

async function smppBind(port: number, from: string, name: string, password: string): Promise<RawSmpp> {
  const r = await RawSmpp.open(port, from);
  r.write(pdu(0x09, 1, Buffer.concat([cstr(name), cstr(password), cstr(''), Buffer.from([0x34, 0, 0]), cstr('')])));
  await r.until(() => r.pdus.some((p) => p.commandId === 0x80000009) || r.closed, 'bind_transceiver_resp');
  return r;
}

interface Running {
  child: ChildProcess;
  lines: string[];
  smtp: number;
  pop3: number;
  smpp: number;
  config: ConfigFile;
}

async function startGateway(opts: { loginTimeoutSeconds: number }): Promise<Running> {
  const [smtp, pop3, smpp] = [await freePort(), await freePort(), await freePort()];
  const door = `maxSessionsPerIp: 3, loginTimeoutSeconds: ${opts.loginTimeoutSeconds}`;
  const config = await writeConfig({
    withoutEmail: true,
    imports: { '{ smtp }': 'plugins/smtp/index.ts', '{ pop3 }': 'plugins/pop3/index.ts', '{ smppServer }': 'plugins/smpp/index.ts' },
    security: '{ authFailureDelayMs: 0, apop: true, authFailuresPerIp: 3, authFailuresPerSession: 3 }',
    keys: `users: [
      { name: 'alice', password: 'alice-pw', smtpLogin: true, smppLogin: true, recipients: ['+15550001111'] },
      { name: 'kannel', password: 'abcdefghij', smppLogin: true },
    ],`,
    plugins: [`smtp({ port: ${smtp}, ${door} })`, `pop3({ port: ${pop3}, ${door} })`, `smppServer({ port: ${smpp}, ${door} })`],
  });
  const { child, lines } = await startProcess(config);
  return { child, lines, smtp, pop3, smpp, config };
}

const logged = (g: Running, pred: (entry: Record<string, unknown>) => boolean) =>
  g.lines.flatMap((l) => {
    try {
      const e = JSON.parse(l) as Record<string, unknown>;
      return pred(e) ? [e] : [];
    } catch {
      return [];
    }
  });

async function untilLogged(g: Running, pred: (entry: Record<string, unknown>) => boolean, what: string): Promise<Record<string, unknown>[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const found = logged(g, pred);
    if (found.length > 0) return found;
    if (Date.now() > deadline) throw new Error(`no log line: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the front door of a running gateway', () => {
  let g: Running;
  const open: { destroy(): void }[] = [];
  beforeAll(async () => {
    g = await startGateway({ loginTimeoutSeconds: 60 });
  }, 60_000);
  afterAll(async () => {
    for (const c of open) c.destroy();
    if (g) await stopProcess(g.child);
  });

  it('holds when one address opens many idle connections: that address is refused, another is served', async () => {
    const greeting = { smtp: /^220 /m, pop3: /^\+OK /m };
    for (const [service, port] of [
      ['smtp', g.smtp],
      ['pop3', g.pop3],
    ] as const) {
      for (let i = 0; i < 3; i++) {
        const idle = await Talk.open(port, '127.0.0.1');
        open.push(idle.socket);
        await idle.waitFor(greeting[service]);
      }
      const fourth = await Talk.open(port, '127.0.0.1');
      await fourth.until(() => fourth.closed, `${service} closing the fourth connection`);
      expect(fourth.text).toMatch(
        service === 'smtp' ? /^421 4\.7\.0 too many connections from your address/ : /^-ERR \[SYS\/TEMP\] too many connections from your address/,
      );
    }
    for (let i = 0; i < 3; i++) open.push((await RawSmpp.open(g.smpp, '127.0.0.1')).socket);
    const fourth = await RawSmpp.open(g.smpp, '127.0.0.1');
    await fourth.until(() => fourth.closed, 'smpp closing the fourth connection');
    expect(fourth.pdus).toEqual([]);

    // Meanwhile, from another address, real clients get through on every service.
    const sent = await swaks(g.smtp, '127.0.0.2', ALICE.password);
    expect(sent.out).toMatch(/<- {2}250 2\.6\.0 accepted as/);
    const fetched = await curlPop3(g.pop3, '127.0.0.2', ALICE.password);
    expect(fetched.code).toBe(0);
    const bound = await smppBind(g.smpp, '127.0.0.2', ALICE.name, ALICE.password);
    open.push(bound);
    expect(bound.pdus[0]?.status).toBe(0);

    for (const service of ['smtp', 'pop3', 'smpp-server']) {
      const [line] = await untilLogged(g, (e) => e.event === 'connection-refused' && e.service === service, `${service} refusal`);
      expect(line).toMatchObject({ ip: '127.0.0.1', reason: 'too-many-from-ip', msg: expect.stringContaining('connection from 127.0.0.1 refused') });
    }
    // And the operator sees the refusals in `nowsms status`.
    const status = cli(['status', '--json', '--config', g.config.file]);
    expect(status.status).toBe(0);
    const connections = (JSON.parse(status.stdout) as { connections: Record<string, { counters: { refused?: number } }> }).connections;
    for (const id of ['smtp', 'pop3', 'smpp-server']) expect(connections[id]?.counters.refused).toBe(1);
  });

  it('locks an address out of every service after too many failed logins, logging each for fail2ban', async () => {
    const attacker = '127.0.0.3';
    for (let i = 0; i < 3; i++) expect((await swaks(g.smtp, attacker, `guess-${i}`)).out).toMatch(/<\*\* 535 5\.7\.8 authentication failed/);
    // The right password no longer helps from there, on any service.
    expect((await swaks(g.smtp, attacker, ALICE.password)).out).toMatch(/<\*\* 421 4\.7\.0 too many failed logins from your address/);
    const pop = await curlPop3(g.pop3, attacker, ALICE.password);
    expect(pop.code).not.toBe(0);
    expect(pop.out).toMatch(/-ERR \[SYS\/TEMP\] too many failed logins from your address/);
    const smpp = await smppBind(g.smpp, attacker, ALICE.name, ALICE.password);
    expect(smpp.pdus[0]?.status).toBe(0x0d); // ESME_RBINDFAIL
    await smpp.until(() => smpp.closed, 'the close after a locked-out bind');

    // The account itself is not locked: alice logs in from her own address.
    expect((await swaks(g.smtp, '127.0.0.4', ALICE.password)).out).toMatch(/<- {2}250 2\.6\.0 accepted as/);
    expect((await curlPop3(g.pop3, '127.0.0.4', ALICE.password)).code).toBe(0);

    const failures = await untilLogged(g, (e) => e.event === 'auth-failure' && e.ip === attacker, 'auth failures');
    expect(failures).toHaveLength(3);
    for (const f of failures) {
      expect(f).toMatchObject({ service: 'smtp', user: 'alice', ip: attacker, msg: `authentication failed for user alice from ${attacker} (smtp)` });
      expect(FAIL2BAN.exec(String(f.msg))?.groups?.host).toBe(attacker);
    }
    await untilLogged(g, (e) => e.event === 'auth-lockout' && e.ip === attacker, 'the lockout');
    const refused = await untilLogged(g, (e) => e.event === 'auth-refused' && e.ip === attacker, 'refusals');
    expect(new Set(refused.map((e) => e.service))).toEqual(new Set(['smtp', 'pop3', 'smpp']));
  });

  it.skipIf(missingPeer('fail2ban-regex'))('gives fail2ban, with the filter in docs/config.md, the addresses that failed', async () => {
    const filter = /```ini\n([\s\S]*?)```/.exec(readFileSync(path.join(ROOT, 'docs/config.md'), 'utf8'))![1]!;
    writeFileSync(path.join(g.config.dir, 'nowsms.conf'), filter);
    writeFileSync(path.join(g.config.dir, 'gateway.log'), g.lines.join('\n') + '\n');
    const r = await run('fail2ban-regex', ['-o', 'ip', path.join(g.config.dir, 'gateway.log'), path.join(g.config.dir, 'nowsms.conf')]);
    expect(r.code).toBe(0);
    // The three guesses from the attacker of the test before, and nothing else (refusals are not failures).
    expect(r.out.trim().split('\n')).toEqual(['127.0.0.3', '127.0.0.3', '127.0.0.3']);
  });

  it('closes a session after a few failed logins in it', async () => {
    const smtp = await Talk.open(g.smtp, '127.0.0.5');
    open.push(smtp.socket);
    await smtp.waitFor(/^220 /m);
    smtp.send('EHLO door.test');
    await smtp.waitFor(/^250 /m);
    const bad = Buffer.from('\0alice\0wrong').toString('base64');
    for (let i = 0; i < 3; i++) smtp.send(`AUTH PLAIN ${bad}`);
    await smtp.until(() => smtp.closed, 'the close after three failures');
    expect(smtp.text.match(/^535 /gm)).toHaveLength(2);
    expect(smtp.text).toMatch(/^421 4\.7\.0 authentication failed too many times/m);

    const r = await RawSmpp.open(g.smpp, '127.0.0.6');
    for (let i = 1; i <= 3; i++) r.write(pdu(0x09, i, Buffer.concat([cstr('alice'), cstr('wrong'), cstr(''), Buffer.from([0x34, 0, 0]), cstr('')])));
    await r.until(() => r.closed, `the smpp close after three failed binds`);
    expect(r.pdus.map((p) => p.status)).toEqual([0x0e, 0x0e, 0x0e]); // ESME_RINVPASWD
  });

  it('answers an over-long message_payload (2,000 characters, 60,000 octets) with ESME_RINVMSGLEN and keeps the session bound', async () => {
    const r = await smppBind(g.smpp, '127.0.0.8', ALICE.name, ALICE.password);
    open.push(r);
    expect(r.pdus[0]?.status).toBe(0);
    const submit = (sequence: number, payload: Buffer) => {
      const tlv = Buffer.alloc(4);
      tlv.writeUInt16BE(0x0424, 0); // message_payload
      tlv.writeUInt16BE(payload.length, 2);
      const fixed = Buffer.concat([cstr(''), Buffer.from([1, 1]), cstr('15550001111'), Buffer.from([1, 1]), cstr('15550002222')]);
      // esm_class, protocol_id, priority_flag, two empty times, registered_delivery, replace, data_coding, sm_default_msg_id, sm_length 0
      const rest = Buffer.concat([Buffer.from([0, 0, 0]), cstr(''), cstr(''), Buffer.from([0, 0, 0, 0, 0])]);
      return pdu(0x04, sequence, Buffer.concat([fixed, rest, tlv, payload]));
    };
    r.write(submit(2, Buffer.alloc(2_000, 'x')));
    r.write(submit(3, Buffer.alloc(60_000, 'y')));
    r.write(pdu(0x15, 4)); // enquire_link: the session is still there
    await r.until(() => r.pdus.length === 4, 'three answers');
    expect(r.pdus.slice(1).map((p) => [p.commandId, p.status, p.sequence])).toEqual([
      [0x80000004, 0x01, 2],
      [0x80000004, 0x01, 3],
      [0x80000015, 0, 4],
    ]);
    expect(r.closed).toBe(false);
  });

  it('says in the bind failure log when a client cut a password longer than 8 characters', async () => {
    // What Kannel does with a 10-character password: it sends the first 8.
    const r = await smppBind(g.smpp, '127.0.0.7', 'kannel', 'abcdefgh');
    open.push(r);
    expect(r.pdus[0]?.status).toBe(0x0e);
    const [line] = await untilLogged(g, (e) => e.event === 'auth-failure' && e.user === 'kannel', 'the failure');
    expect(String(line!.why)).toMatch(/first 8 characters of the user's 10-character password \(SMPP 3\.4 carries at most 8\)/);
  });
});

describe('a gateway with a one-second login deadline', () => {
  let g: Running;
  beforeAll(async () => {
    g = await startGateway({ loginTimeoutSeconds: 1 });
  }, 60_000);
  afterAll(async () => {
    if (g) await stopProcess(g.child);
  });

  it('closes connections that do not log in, and leaves logged-in sessions to their own idle timeout', async () => {
    const user = await Talk.open(g.pop3, '127.0.0.1');
    await user.waitFor(/^\+OK /m);
    user.send(`USER ${ALICE.name}`);
    user.send(`PASS ${ALICE.password}`);
    await user.waitFor(/^\+OK alice's maildrop/m);

    const smtp = await Talk.open(g.smtp, '127.0.0.1');
    const pop3 = await Talk.open(g.pop3, '127.0.0.1');
    const smpp = await RawSmpp.open(g.smpp, '127.0.0.1');
    await smtp.until(() => smtp.closed, 'smtp closing an idle connection');
    expect(smtp.text).toMatch(/^421 4\.4\.2 no login in time/m);
    await pop3.until(() => pop3.closed, 'pop3 closing an idle connection');
    expect(pop3.text).toMatch(/^-ERR autologout: no login in time/m);
    await smpp.until(() => smpp.closed, 'smpp closing a connection that never binds');

    // The session that logged in before them is still there.
    user.send('NOOP');
    await user.waitFor(/^\+OK\r\n/m);
    expect(user.closed).toBe(false);
    user.socket.destroy();
  });
});

describe('users add --smpp-login', () => {
  it('warns about a password SMPP 3.4 cannot carry', async () => {
    const config = await writeConfig({ withoutEmail: true });
    const long = cli(['users', 'add', 'esme', '--password', 'nine-char', '--smpp-login', '--config', config.file]);
    expect(long.status).toBe(0);
    expect(long.stderr).toMatch(/warning: user esme has SMPP login and a password of 9 characters: SMPP 3\.4 carries at most 8/);
    const short = cli(['users', 'set', 'esme', '--password', 'eight-ch', '--config', config.file]);
    expect(short.status).toBe(0);
    expect(short.stderr).toBe('');
  });
});
