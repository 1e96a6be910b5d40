// Real POP3 clients nobody here wrote (curl, fetchmail, mpop) against the real gateway.
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import { missingPeer } from '../../helpers/peers.ts';
import { curlPop3, fetchAll } from '../../helpers/pop3-fetch.ts';

const run = promisify(execFile);
const BOB = { name: 'bob', password: 'pw-bob', recipients: ['+15550001111'] };
const PHONE = '+15550002222';
const TEXT = 'Hi from the phone 😀\n.dotted line\nbye';

let gw: TestGateway | undefined;

afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

async function gatewayWith(...texts: string[]): Promise<TestGateway> {
  gw = await startTestGateway({ users: [BOB] });
  for (const t of texts) await gw.inject(PHONE, BOB.recipients[0]!, t);
  return gw;
}

async function mailboxSize(g: TestGateway): Promise<number> {
  return (await g.gateway.stores.mailboxes.list(BOB.name)).length;
}

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'nowsms-pop3-peer-'));
}

describe('curl', () => {
  it.skipIf(missingPeer('curl'))('lists and retrieves with USER/PASS', async () => {
    const g = await gatewayWith(TEXT, 'second');
    const list = await curlPop3(g.pop3Port, BOB.name, BOB.password);
    expect(list).toMatch(/^1 \d+\r\n2 \d+\r\n$/);
    const mail = await simpleParser(await curlPop3(g.pop3Port, BOB.name, BOB.password, '1'));
    expect(mail.text?.trimEnd()).toBe(TEXT);
    expect(mail.from?.value[0]?.address).toBe(`${PHONE}@sms.localhost`);
    // curl gives the message un-stuffed: exactly the octets LIST announced.
    const raw = await run('curl', ['-s', `pop3://127.0.0.1:${g.pop3Port}/1`, '-u', `${BOB.name}:${BOB.password}`], { encoding: 'buffer' });
    expect(raw.stdout.length).toBe(Number(/^1 (\d+)/.exec(list)![1]));
    expect((await fetchAll(g.pop3Port, BOB.name, BOB.password)).map((m) => m.text?.trimEnd())).toEqual([TEXT, 'second']);
  });

  it.skipIf(missingPeer('curl'))('logs in with APOP', async () => {
    const g = await gatewayWith(TEXT);
    const { stdout, stderr } = await run(
      'curl',
      ['-sv', '--max-time', '20', `pop3://127.0.0.1:${g.pop3Port}/1`, '-u', `${BOB.name}:${BOB.password}`, '--login-options', 'AUTH=+APOP'],
      {
        encoding: 'utf8',
      },
    );
    expect(stderr).toMatch(/> APOP bob [0-9a-f]{32}/);
    expect(stderr).not.toMatch(/> PASS/);
    expect((await simpleParser(stdout)).text?.trimEnd()).toBe(TEXT);
  });

  it.skipIf(missingPeer('curl'))('is refused with a bad password', async () => {
    const g = await gatewayWith(TEXT);
    await expect(curlPop3(g.pop3Port, BOB.name, 'nope', '1')).rejects.toMatchObject({ code: 67 }); // CURLE_LOGIN_DENIED
  });
});

describe('fetchmail', () => {
  it.skipIf(missingPeer('fetchmail'))('fetches with APOP and deletes what it fetched', async () => {
    const g = await gatewayWith(TEXT, 'second');
    const dir = tempDir();
    const rc = path.join(dir, 'fetchmailrc');
    const out = path.join(dir, 'out.bsmtp');
    writeFileSync(rc, `poll 127.0.0.1 service ${g.pop3Port} protocol APOP\n  user "bob" there with password "${BOB.password}" is "bob" here\n  sslproto ''\n`, {
      mode: 0o600,
    });
    chmodSync(rc, 0o600);
    const env = { ...process.env, HOME: dir, FETCHMAILHOME: dir };
    const { stdout, stderr } = await run('fetchmail', ['-f', rc, '--nosyslog', '-v', '--bsmtp', out], { env, encoding: 'utf8', timeout: 30_000 });
    const log = stdout + stderr;
    expect(log).toMatch(/POP3> APOP bob/);
    expect(log).toMatch(/2 messages for bob/);
    const bsmtp = readFileSync(out, 'utf8');
    expect(bsmtp).toContain('Subject: SMS from +15550002222');
    // BSMTP stuffs dots again on its side: the line reads back as it was sent.
    expect(bsmtp).toContain('\r\n..dotted line\r\n');
    expect(await mailboxSize(g)).toBe(0);
  });
});

describe('mpop', () => {
  it.skipIf(missingPeer('mpop'))('fetches with APOP (checking the greeting timestamp) into a maildir', async () => {
    const g = await gatewayWith(TEXT, 'second');
    const dir = tempDir();
    const maildir = path.join(dir, 'Maildir');
    for (const sub of ['cur', 'new', 'tmp']) mkdirSync(path.join(maildir, sub), { recursive: true });
    const rc = path.join(dir, 'mpoprc');
    writeFileSync(
      rc,
      [
        'account default',
        'host 127.0.0.1',
        `port ${g.pop3Port}`,
        'user bob',
        `password ${BOB.password}`,
        'auth apop',
        'tls off',
        `delivery maildir ${maildir}`,
        `uidls_file ${path.join(dir, 'uidls')}`,
        'keep off',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    const { stdout, stderr } = await run('mpop', ['-C', rc, '--debug'], { env: { ...process.env, HOME: dir }, encoding: 'utf8', timeout: 30_000 });
    const log = stdout + stderr;
    expect(log).toMatch(/APOP bob [0-9a-f]{32}/);
    const files = readdirSync(path.join(maildir, 'new'));
    expect(files).toHaveLength(2);
    const texts = await Promise.all(files.map(async (f) => (await simpleParser(readFileSync(path.join(maildir, 'new', f)))).text?.trimEnd()));
    expect(texts.sort()).toEqual([TEXT, 'second'].sort());
    expect(await mailboxSize(g)).toBe(0);
  });
});
