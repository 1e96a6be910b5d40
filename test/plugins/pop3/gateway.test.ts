// The POP3 plug-in inside a real gateway (SQLite store, real auth), driven over real TCP sockets.
import { createHash } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { isNowsmsError } from '../../../core/index.ts';
import { pop3 } from '../../../plugins/pop3/index.ts';
import { startTestGateway, type TestGateway, type TestGatewayOptions } from '../../helpers/gateway.ts';
import { RawPop3 } from './raw-client.ts';

const BOB = { name: 'bob', password: 'pw-bob', fullName: 'Bob Builder', recipients: ['+15550001111'] };
const PHONE = '+15550002222';

const gateways: TestGateway[] = [];
const clients: RawPop3[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const g of gateways.splice(0)) await g.stop();
});

async function gateway(opts: TestGatewayOptions = {}): Promise<TestGateway> {
  const g = await startTestGateway({ users: [BOB], ...opts });
  gateways.push(g);
  return g;
}

async function stopGateway(g: TestGateway): Promise<void> {
  gateways.splice(gateways.indexOf(g), 1);
  await g.stop();
}

async function open(port: number, opts: { tls?: boolean } = {}) {
  const r = await RawPop3.open(port, opts);
  clients.push(r.c);
  return r;
}

async function login(port: number, user = BOB.name, password = BOB.password): Promise<RawPop3> {
  const { c } = await open(port);
  expect(await c.cmd(`USER ${user}`)).toBe('+OK send PASS');
  expect(await c.cmd(`PASS ${password}`)).toMatch(/^\+OK /);
  return c;
}

/** The message bytes of a RETR answer: the terminator dropped, the stuffing undone. */
function unstuff(body: Buffer): Buffer {
  return Buffer.from(body.subarray(0, -3).toString('latin1').replace(/^\./gm, ''), 'latin1');
}

describe('pop3 in the gateway', () => {
  it('walks a whole session with exact replies', async () => {
    const g = await gateway();
    const id1 = await g.inject(PHONE, BOB.recipients[0]!, 'first message');
    const id2 = await g.inject('+15550003333', BOB.recipients[0]!, 'second one');
    const { c, greeting } = await open(g.pop3Port);
    expect(greeting).toMatch(/^\+OK nowsms POP3 server ready <\d+\.\d+@[A-Za-z0-9.-]+>$/);
    expect(await c.cmd('USER bob')).toBe('+OK send PASS');
    const pass = await c.cmd('PASS pw-bob');

    // Sizes are whatever the renditions are; every reply must agree with them to the octet.
    const retr1 = await c.multi('RETR 1');
    const retr2 = await c.multi('RETR 2');
    const [s1, s2] = [unstuff(retr1.body).length, unstuff(retr2.body).length];
    expect(retr1.status).toBe(`+OK ${s1} octets`);
    expect(retr2.status).toBe(`+OK ${s2} octets`);
    expect(pass).toBe(`+OK bob's maildrop has 2 messages (${s1 + s2} octets)`);
    expect(await c.cmd('STAT')).toBe(`+OK 2 ${s1 + s2}`);
    expect(await c.multi('LIST')).toEqual({ status: `+OK 2 messages (${s1 + s2} octets)`, body: Buffer.from(`1 ${s1}\r\n2 ${s2}\r\n.\r\n`) });
    expect(await c.cmd('LIST 2')).toBe(`+OK 2 ${s2}`);
    expect(await c.multi('UIDL')).toEqual({ status: '+OK unique-id listing follows', body: Buffer.from(`1 ${id1}\r\n2 ${id2}\r\n.\r\n`) });
    expect(await c.cmd('UIDL 1')).toBe(`+OK 1 ${id1}`);
    const top = await c.multi('TOP 1 0');
    expect(top.status).toBe('+OK top of message follows');
    const header = unstuff(retr1.body).toString();
    expect(top.body.toString()).toBe(header.slice(0, header.indexOf('\r\n\r\n') + 4) + '.\r\n');

    const mail = await simpleParser(unstuff(retr1.body));
    expect(mail.text?.trim()).toBe('first message');
    expect(mail.from?.value[0]).toEqual({ address: `${PHONE}@sms.localhost`, name: PHONE });
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0] : undefined).toEqual({ address: 'bob@mms.localhost', name: 'Bob Builder' });
    expect(mail.subject).toBe(`SMS from ${PHONE}: first message`);
    expect(mail.messageId).toBe(`<${id1}@sms.localhost>`);
    expect(mail.headers.get('x-nowsms-message-id')).toBe(id1);

    expect(await c.cmd('DELE 1')).toBe('+OK message 1 deleted');
    expect(await c.cmd('STAT')).toBe(`+OK 1 ${s2}`);
    expect(await c.multi('LIST')).toEqual({ status: `+OK 1 message (${s2} octets)`, body: Buffer.from(`2 ${s2}\r\n.\r\n`) });
    expect(await c.cmd('RSET')).toBe(`+OK maildrop has 2 messages (${s1 + s2} octets)`);
    expect(await c.cmd('DELE 2')).toBe('+OK message 2 deleted');
    expect(await c.cmd('NOOP')).toBe('+OK');
    expect(await c.quit()).toBe('+OK nowsms POP3 server signing off (1 message left)');

    const again = await login(g.pop3Port);
    expect(await again.multi('UIDL')).toEqual({ status: '+OK unique-id listing follows', body: Buffer.from(`1 ${id1}\r\n.\r\n`) });
    expect(await again.cmd('STAT')).toBe(`+OK 1 ${s1}`);
    expect(g.gateway.status().pop3?.counters).toMatchObject({ logins: 2, retrieved: 2, deleted: 1 });
    expect((await g.gateway.stores.messages.summary(id2))?.status).toBe('retrieved');
    expect((await g.gateway.stores.messages.summary(id1))?.status).toBe('in-mailbox');
  });

  it('announces in LIST exactly the octets RETR sends for a text full of leading dots', async () => {
    const g = await gateway();
    await g.inject(PHONE, BOB.recipients[0]!, '.one\n..two\n.\n. three\nend.\n...');
    const c = await login(g.pop3Port);
    const listed = Number((await c.cmd('LIST 1')).split(' ')[2]);
    const { status, body } = await c.multi('RETR 1');
    expect(status).toBe(`+OK ${listed} octets`);
    expect(body.toString()).toContain('\r\n..one\r\n...two\r\n..\r\n.. three\r\nend.\r\n....');
    expect(body.subarray(-5).toString()).toBe('\r\n.\r\n');
    const message = unstuff(body);
    expect(message.length).toBe(listed);
    expect(message.toString('latin1')).not.toMatch(/\r(?!\n)|(?<!\r)\n/);
    expect((await simpleParser(message)).text?.trimEnd()).toBe('.one\n..two\n.\n. three\nend.\n...');
  });

  it('deletes nothing when the connection drops; QUIT deletes for good, across sessions and a restart', async () => {
    const g = await gateway();
    const keep = await g.inject(PHONE, BOB.recipients[0]!, 'keep me');
    const drop = await g.inject(PHONE, BOB.recipients[0]!, 'delete me');

    const c1 = await login(g.pop3Port);
    expect(await c1.cmd('DELE 2')).toBe('+OK message 2 deleted');
    c1.destroy();
    await new Promise((r) => setTimeout(r, 100));

    const c2 = await login(g.pop3Port);
    expect((await c2.multi('UIDL')).body.toString()).toBe(`1 ${keep}\r\n2 ${drop}\r\n.\r\n`);
    const size1 = await c2.cmd('LIST 1');
    expect(await c2.cmd('DELE 2')).toBe('+OK message 2 deleted');
    expect(await c2.quit()).toBe('+OK nowsms POP3 server signing off (1 message left)');

    const c3 = await login(g.pop3Port);
    expect((await c3.multi('UIDL')).body.toString()).toBe(`1 ${keep}\r\n.\r\n`);
    expect(await c3.cmd('LIST 1')).toBe(size1);
    await c3.quit();

    await stopGateway(g);
    const again = await gateway({ dataDir: g.dataDir });
    const c4 = await login(again.pop3Port);
    expect((await c4.multi('UIDL')).body.toString()).toBe(`1 ${keep}\r\n.\r\n`);
    expect(await c4.cmd('LIST 1')).toBe(size1);
    expect(unstuff((await c4.multi('RETR 1')).body).toString()).toContain('keep me');
  });

  it('answers [IN-USE] while another session holds the maildrop', async () => {
    const g = await gateway();
    const first = await login(g.pop3Port);
    const { c } = await open(g.pop3Port);
    await c.cmd('USER bob');
    expect(await c.cmd('PASS pw-bob')).toBe('-ERR [IN-USE] maildrop is already open in another session');
    await first.quit();
    await c.cmd('USER bob');
    expect(await c.cmd('PASS pw-bob')).toMatch(/^\+OK bob's maildrop/);
  });

  it('answers [AUTH] on a bad password and refuses a user without SMTP login', async () => {
    const g = await gateway({
      users: [BOB, { name: 'nosmtp', password: 'pw-x', smtpLogin: false, recipients: ['+15550004444'] }],
      // Three failures in one session, then a login: one more than the default allows before closing.
      config: { security: { authFailureDelayMs: 20, apop: true, authFailuresPerSession: 4 } },
    });
    const { c, greeting } = await open(g.pop3Port);
    await c.cmd('USER bob');
    expect(await c.cmd('PASS wrong')).toBe('-ERR [AUTH] invalid user name or password');
    await c.cmd('USER nosmtp');
    expect(await c.cmd('PASS pw-x')).toBe('-ERR [AUTH] invalid user name or password');
    const stamp = /<[^>]+>$/.exec(greeting)![0];
    expect(
      await c.cmd(
        `APOP nosmtp ${createHash('md5')
          .update(stamp + 'pw-x')
          .digest('hex')}`,
      ),
    ).toBe('-ERR [AUTH] invalid user name or password');
    expect(
      await c.cmd(
        `APOP bob ${createHash('md5')
          .update(stamp + 'pw-bob')
          .digest('hex')}`,
      ),
    ).toMatch(/^\+OK bob's maildrop/);
    expect(g.gateway.status().pop3?.counters).toMatchObject({ loginFailures: 3, logins: 1 });
  });

  it('upgrades with STLS and logs in over TLS', async () => {
    const g = await gateway({ tls: true });
    await g.inject(PHONE, BOB.recipients[0]!, 'over tls');
    const { c } = await open(g.pop3Port);
    expect((await c.multi('CAPA')).body.toString()).toContain('\r\nSTLS\r\n');
    expect(await c.cmd('STLS')).toBe('+OK begin TLS negotiation');
    await c.startTls();
    expect((await c.multi('CAPA')).body.toString()).not.toContain('STLS');
    expect(await c.cmd('USER bob')).toBe('+OK send PASS');
    expect(c.encrypted).toBe(true);
    expect(await c.cmd('PASS pw-bob')).toBe(`+OK bob's maildrop has 1 message (${await renditionSize(g)} octets)`);
    expect(unstuff((await c.multi('RETR 1')).body).toString()).toContain('over tls');
  });

  it('serves implicit TLS on tlsPort', async () => {
    const g = await gateway({ tls: true, pop3: { tlsPort: 0 } });
    const listening = g.gateway.status().pop3!.listening!;
    expect(listening).toHaveLength(2);
    const tlsPort = Number(listening[1]!.split(':').pop());
    const { c, greeting } = await open(tlsPort, { tls: true });
    expect(greeting).toMatch(/^\+OK nowsms POP3 server ready/);
    expect((await c.multi('CAPA')).body.toString()).not.toContain('STLS');
    await c.cmd('USER bob');
    expect(await c.cmd('PASS pw-bob')).toMatch(/^\+OK bob's maildrop/);
  });

  it('reads a UCS-2 / emoji SMS back intact', async () => {
    const g = await gateway();
    const text = 'Привет! 😀👍 日本語テキスト — ça marche ✓';
    await g.inject(PHONE, BOB.recipients[0]!, text);
    const c = await login(g.pop3Port);
    const mail = await simpleParser(unstuff((await c.multi('RETR 1')).body));
    expect(mail.text?.trimEnd()).toBe(text);
    expect(mail.subject).toBe(`SMS from ${PHONE}: ${text}`);
  });

  it('delivers an MMS with its picture as an attachment', async () => {
    const g = await gateway();
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);
    const [accepted] = await g.gateway.submit([
      {
        direction: 'MO',
        kind: 'mms',
        from: PHONE,
        to: BOB.recipients[0]!,
        subject: 'Look',
        parts: [
          { contentType: 'application/smil', name: 'p.smil', data: Buffer.from('<smil/>') },
          { contentType: 'text/plain; charset=utf-8', data: Buffer.from('the view') },
          { contentType: 'image/jpeg', name: 'view.jpg', data: jpeg },
        ],
        via: 'test',
      },
    ]);
    expect(accepted?.target).toEqual({ kind: 'mailbox', user: 'bob' });
    const c = await login(g.pop3Port);
    const mail = await simpleParser(unstuff((await c.multi('RETR 1')).body));
    expect(mail.from?.value[0]?.address).toBe(`${PHONE}@mms.localhost`);
    expect(mail.subject).toBe('Look');
    expect(mail.text?.trim()).toBe('the view');
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]).toMatchObject({ contentType: 'image/jpeg', filename: 'view.jpg' });
    expect(mail.attachments[0]!.content.equals(jpeg)).toBe(true);
  });

  it('ends sessions when the gateway stops, deleting nothing', async () => {
    const g = await gateway();
    await g.inject(PHONE, BOB.recipients[0]!, 'still here');
    const c = await login(g.pop3Port);
    await c.cmd('DELE 1');
    await stopGateway(g);
    await c.closedByServer();
    const again = await gateway({ dataDir: g.dataDir });
    const d = await login(again.pop3Port);
    expect(await d.cmd('STAT')).toMatch(/^\+OK 1 /);
  });
});

describe('pop3 options', () => {
  it('names the bad field', () => {
    try {
      pop3({ port: 70000 });
      expect.unreachable();
    } catch (e) {
      expect(isNowsmsError(e, 'NOWSMS_ERR_CONFIG')).toBe(true);
      expect((e as Error).message).toContain('plugins.pop3.port');
    }
    expect(() => pop3({ idleTimeoutSeconds: 0 })).toThrow(/plugins\.pop3\.idleTimeoutSeconds/);
    expect(() => pop3({ bogus: 1 } as never)).toThrow(/plugins\.pop3/);
  });

  it('refuses tlsPort without a certificate at start', async () => {
    await expect(startTestGateway({ users: [BOB], pop3: { tlsPort: 0 } })).rejects.toThrow(/tlsPort needs a certificate/);
  });
});

/** The size of bob's first cached rendition, straight from the store. */
async function renditionSize(g: TestGateway): Promise<number> {
  const [entry] = await g.gateway.stores.mailboxes.list('bob');
  return entry!.size!;
}
