// The protocol engine over a real TCP socket, with a hand-made context (fake-gateway.ts).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeCertificate } from '../../helpers/tls.ts';
import { VECTORS_DIR } from '../../helpers/vectors.ts';
import { READ_AHEAD } from '../../../plugins/pop3/maildrop.ts';
import { renderMessage } from '../../../plugins/pop3/render.ts';
import { smsMessage, startFakeGateway, type FakeGateway } from './fake-gateway.ts';
import { RawPop3 } from './raw-client.ts';

let gw: FakeGateway | undefined;
const clients: RawPop3[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await gw?.stop();
  gw = undefined;
});

async function start(opts: Parameters<typeof startFakeGateway>[0] = {}): Promise<FakeGateway> {
  gw = await startFakeGateway(opts);
  return gw;
}

async function open(port: number): Promise<{ c: RawPop3; greeting: string }> {
  const r = await RawPop3.open(port);
  clients.push(r.c);
  return r;
}

async function login(port: number, user = 'bob', password = 'secret'): Promise<RawPop3> {
  const { c } = await open(port);
  expect(await c.cmd(`USER ${user}`)).toMatch(/^\+OK/);
  expect(await c.cmd(`PASS ${password}`)).toMatch(/^\+OK/);
  return c;
}

const timestampOf = (greeting: string) => /<[^>]+>$/.exec(greeting)![0];
const apopDigest = (greeting: string, secret: string) =>
  createHash('md5')
    .update(timestampOf(greeting) + secret)
    .digest('hex');

describe('POP3 engine', () => {
  it('replays the RFC 1939 section 10 session', async () => {
    const g = await start({ users: [{ name: 'mrose', password: 'tanstaaf' }] });
    // Renditions of exactly the sizes in the RFC's example; the second is all dots, to exercise stuffing.
    const bodies = [Buffer.from('x'.repeat(118) + '\r\n'), Buffer.from('.'.repeat(198) + '\r\n')];
    g.mailboxes.boxes.set('mrose', [
      { uid: 'u1', messageId: 'u1', addedAt: new Date(), rendition: bodies[0] },
      { uid: 'u2', messageId: 'u2', addedAt: new Date(), rendition: bodies[1] },
    ]);
    const script = readFileSync(path.join(VECTORS_DIR, 'pop3_smtp/rfc1939_section10_session.txt'), 'utf8')
      .split('\n')
      .filter((l) => /^[SC]: /.test(l) && !/<(wait|open|close)/.test(l))
      .map((l) => ({ side: l[0], text: l.slice(3).trimEnd() }));
    const [greetingStep, ...steps] = script;
    expect(greetingStep!.text).toMatch(/^\+OK POP3 server ready <\d+\.\d+@[^>]+>$/);
    const expected = steps
      .filter((s) => s.side === 'S')
      .map((s) => s.text.replace(/^<the POP3 server sends message (\d)>$/, '<message $1>').replace('dewey', 'nowsms'));

    const { c, greeting } = await open(g.port);
    expect(greeting).toMatch(/^\+OK nowsms POP3 server ready <\d+\.\d+@pop\.example>$/);
    const seen: string[] = [];
    for (const step of steps.filter((s) => s.side === 'C')) {
      const cmd = step.text.startsWith('APOP ') ? `APOP mrose ${apopDigest(greeting, 'tanstaaf')}` : step.text;
      const status = await c.cmd(cmd);
      seen.push(status);
      if (cmd === 'LIST') seen.push(...(await c.block()).toString().split('\r\n').slice(0, -1));
      const retr = /^RETR (\d)$/.exec(cmd);
      if (retr) {
        const body = await c.block();
        const n = Number(retr[1]);
        expect(body.subarray(0, -3).toString().replace(/^\./gm, '')).toBe(bodies[n - 1]!.toString());
        seen.push(`<message ${n}>`, '.');
      }
    }
    expect(seen).toEqual(expected);
    expect(g.mailboxes.removeCalls).toEqual([{ user: 'mrose', uids: ['u1', 'u2'] }]);
  });

  it('greets with a fresh APOP timestamp per connection', async () => {
    const g = await start();
    const a = await open(g.port);
    const b = await open(g.port);
    expect(timestampOf(a.greeting)).not.toBe(timestampOf(b.greeting));
  });

  it('offers no timestamp and refuses APOP when APOP is off', async () => {
    const g = await start({ apop: false });
    const { c, greeting } = await open(g.port);
    expect(greeting).toBe('+OK nowsms POP3 server ready');
    expect(await c.cmd('APOP bob 0123456789abcdef0123456789abcdef')).toMatch(/^-ERR APOP is not available/);
  });

  it('lists capabilities, STLS only when a certificate is loaded', async () => {
    const g = await start();
    const { c } = await open(g.port);
    const capa = await c.multi('CAPA');
    expect(capa.status).toMatch(/^\+OK/);
    expect(capa.body.toString()).toBe('TOP\r\nUIDL\r\nUSER\r\nRESP-CODES\r\nPIPELINING\r\nAUTH-RESP-CODE\r\nIMPLEMENTATION nowsms\r\n.\r\n');
    expect(await c.cmd('STLS')).toMatch(/^-ERR STLS is not available/);
  });

  it('takes commands in any case and answers pipelined commands in order', async () => {
    const g = await start();
    g.deliver('bob', smsMessage('id1', 'one'));
    g.deliver('bob', smsMessage('id2', 'two'));
    const { c } = await open(g.port);
    c.write('user bob\r\nPaSs secret\r\nstat\r\nuidl\r\nlist 2\r\nnoop\r\nbogus\r\nQuit\r\n');
    expect(await c.line()).toBe('+OK send PASS');
    expect(await c.line()).toMatch(/^\+OK bob's maildrop has 2 messages \(\d+ octets\)$/);
    expect(await c.line()).toMatch(/^\+OK 2 \d+$/);
    expect(await c.line()).toBe('+OK unique-id listing follows');
    expect((await c.block()).toString()).toBe('1 id1\r\n2 id2\r\n.\r\n');
    expect(await c.line()).toMatch(/^\+OK 2 \d+$/);
    expect(await c.line()).toBe('+OK');
    expect(await c.line()).toBe('-ERR unknown command');
    expect(await c.line()).toBe('+OK nowsms POP3 server signing off (2 messages left)');
    await c.closedByServer();
  });

  it('answers [AUTH] on bad credentials and forgets USER after a failed PASS', async () => {
    const g = await start({
      users: [
        { name: 'bob', password: 'secret' },
        { name: 'eve', password: 'pw', smtpLogin: false },
      ],
    });
    const { c } = await open(g.port);
    expect(await c.cmd('PASS secret')).toBe('-ERR send USER first');
    await c.cmd('USER bob');
    expect(await c.cmd('PASS wrong')).toBe('-ERR [AUTH] invalid user name or password');
    expect(await c.cmd('PASS secret')).toBe('-ERR send USER first');
    await c.cmd('USER eve');
    expect(await c.cmd('PASS pw')).toBe('-ERR [AUTH] invalid user name or password');
    expect(await c.cmd('STAT')).toBe('-ERR STAT is not valid in this state');
    await c.cmd('USER bob');
    expect(await c.cmd('PASS secret')).toMatch(/^\+OK/);
    expect(g.ctx.counters).toMatchObject({ logins: 1, loginFailures: 2 });
  });

  it('accepts a password with spaces', async () => {
    const g = await start({ users: [{ name: 'bob', password: 'two words ' }] });
    await login(g.port, 'bob', 'two words ');
  });

  it('logs in with APOP', async () => {
    const g = await start();
    const { c, greeting } = await open(g.port);
    expect(await c.cmd(`APOP bob ${apopDigest(greeting, 'secret')}`)).toMatch(/^\+OK bob's maildrop/);
    expect(await c.cmd(`APOP bob ${apopDigest(greeting, 'secret')}`)).toBe('-ERR APOP is not valid in this state');
  });

  it('refuses a second session on a locked maildrop with [IN-USE], and frees it when the first ends', async () => {
    const g = await start();
    const first = await login(g.port);
    const { c } = await open(g.port);
    await c.cmd('USER bob');
    expect(await c.cmd('PASS secret')).toBe('-ERR [IN-USE] maildrop is already open in another session');
    first.destroy();
    await new Promise((r) => setTimeout(r, 100));
    await c.cmd('USER bob');
    expect(await c.cmd('PASS secret')).toMatch(/^\+OK/);
  });

  it('hides deleted messages, RSET brings them back, QUIT removes them in one call', async () => {
    const g = await start();
    for (const id of ['a1', 'a2', 'a3']) g.deliver('bob', smsMessage(id, `text ${id}`));
    const c = await login(g.port);
    const size = (await c.cmd('LIST 1')).split(' ')[2];
    expect(await c.cmd('DELE 1')).toBe('+OK message 1 deleted');
    expect(await c.cmd('DELE 1')).toBe('-ERR message 1 already deleted');
    expect(await c.cmd('RETR 1')).toBe('-ERR message 1 already deleted');
    expect(await c.cmd('LIST 1')).toBe('-ERR message 1 already deleted');
    expect(await c.cmd('LIST 9')).toBe('-ERR no such message');
    expect(await c.cmd('LIST x')).toBe('-ERR invalid message number: x');
    expect((await c.multi('UIDL')).body.toString()).toBe('2 a2\r\n3 a3\r\n.\r\n');
    expect(await c.cmd('RSET')).toMatch(/^\+OK maildrop has 3 messages/);
    expect(await c.cmd('LIST 1')).toBe(`+OK 1 ${size}`);
    await c.cmd('DELE 1');
    await c.cmd('DELE 3');
    expect(await c.cmd('STAT')).toMatch(/^\+OK 1 \d+$/);
    expect(await c.quit()).toBe('+OK nowsms POP3 server signing off (1 message left)');
    expect(g.mailboxes.removeCalls).toEqual([{ user: 'bob', uids: ['a1', 'a3'] }]);
    expect(g.ctx.counters.deleted).toBe(2);
    const again = await login(g.port);
    expect((await again.multi('UIDL')).body.toString()).toBe('1 a2\r\n.\r\n');
  });

  it('deletes nothing when the connection drops, or when the store fails at QUIT', async () => {
    const g = await start();
    g.deliver('bob', smsMessage('k1', 'keep me'));
    const c = await login(g.port);
    await c.cmd('DELE 1');
    c.destroy();
    await new Promise((r) => setTimeout(r, 100));
    expect(g.mailboxes.removeCalls).toEqual([]);

    g.mailboxes.failRemove = true;
    const d = await login(g.port);
    await d.cmd('DELE 1');
    expect(await d.quit()).toMatch(/^-ERR \[SYS\/TEMP\] could not remove/);
    expect(await g.mailboxes.list('bob')).toHaveLength(1);
    expect(g.ctx.counters.deleted).toBe(0);
  });

  it('sends RETR bytes that match LIST, dot-stuffed, and TOP the header plus n lines', async () => {
    const g = await start();
    g.deliver('bob', smsMessage('d1', '.starts with a dot\n..two\n.\nend'));
    const c = await login(g.port);
    const listed = Number((await c.cmd('LIST 1')).split(' ')[2]);
    const retr = await c.multi('RETR 1');
    expect(retr.status).toBe(`+OK ${listed} octets`);
    const unstuffed = retr.body.subarray(0, -3).toString('latin1').replace(/^\./gm, '');
    expect(Buffer.byteLength(unstuffed, 'latin1')).toBe(listed);
    expect(retr.body.toString()).toMatch(/\r\n\.\.starts with a dot\r\n\.\.\.two\r\n\.\.\r\nend\r\n\.\r\n$/);
    const top = await c.multi('TOP 1 0');
    expect(top.body.toString()).toMatch(/\r\n\r\n\.\r\n$/);
    expect(top.body.toString()).toContain('Subject: SMS from');
    expect((await c.multi('TOP 1 1')).body.toString()).toMatch(/\r\n\r\n\.\.starts with a dot\r\n\.\r\n$/);
    expect(await c.cmd('TOP 1')).toBe('-ERR syntax: TOP msg lines');
    expect(g.ctx.counters.retrieved).toBe(1);
  });

  it('renders each message once and reuses the cached rendition later', async () => {
    const g = await start();
    g.deliver('bob', smsMessage('r1', 'hello'));
    g.deliver('bob', smsMessage('r2', 'world'));
    g.mailboxes.add('bob', 'gone'); // an entry whose message no longer exists: not shown
    const c = await login(g.port);
    expect(await c.cmd('STAT')).toMatch(/^\+OK 2 /);
    const first = (await c.multi('RETR 2')).body;
    await c.quit();
    expect(g.mailboxes.saved).toBe(2);
    g.messages.clear(); // only the cache can answer now
    const d = await login(g.port);
    expect((await d.multi('RETR 2')).body.equals(first)).toBe(true);
    expect(g.mailboxes.saved).toBe(2);
  });

  it('reads sizes at login and the bytes only for RETR and TOP, a few messages ahead', async () => {
    const g = await start();
    const uids = Array.from({ length: READ_AHEAD + 8 }, (_, i) => `m${i + 1}`);
    g.mailboxes.boxes.set(
      'bob',
      uids.map((uid) => ({ uid, messageId: uid, addedAt: new Date(), rendition: Buffer.from(`Subject: ${uid}\r\n\r\nbody of ${uid}\r\n`) })),
    );
    const c = await login(g.port);
    await c.cmd('STAT');
    await c.multi('LIST');
    await c.multi('UIDL');
    expect(g.mailboxes.renditionCalls).toEqual([]);

    expect((await c.multi('RETR 1')).body.toString()).toBe('Subject: m1\r\n\r\nbody of m1\r\n.\r\n');
    expect(g.mailboxes.renditionCalls).toEqual(uids.slice(0, READ_AHEAD));
    for (let n = 2; n <= READ_AHEAD; n++) expect((await c.multi(`RETR ${n}`)).body.toString()).toContain(`body of m${n}\r\n`);
    expect(g.mailboxes.renditionCalls).toHaveLength(READ_AHEAD);
    await c.cmd(`DELE ${READ_AHEAD + 2}`);
    expect((await c.multi(`TOP ${READ_AHEAD + 1} 0`)).body.toString()).toBe(`Subject: m${READ_AHEAD + 1}\r\n\r\n.\r\n`);
    // Deleted messages are not read ahead.
    expect(g.mailboxes.renditionCalls.slice(READ_AHEAD)).toEqual(uids.slice(READ_AHEAD).filter((u) => u !== `m${READ_AHEAD + 2}`));
  });

  it('renders again a message whose cached bytes vanished during the session, and refuses bytes of another size', async () => {
    const g = await start();
    const message = smsMessage('v1', 'still here');
    g.deliver('bob', message);
    g.mailboxes.boxes.get('bob')!.push({ uid: 'v2', messageId: 'v2', addedAt: new Date(), rendition: Buffer.from('abc\r\n') });
    const c = await login(g.port);
    expect(g.mailboxes.saved).toBe(1);
    // After the login, an operator removed the first entry (and so its cached rendition), and the second
    // one's bytes changed (which nothing in the gateway does).
    delete g.mailboxes.boxes.get('bob')![0]!.rendition;
    g.mailboxes.boxes.get('bob')![1]!.rendition = Buffer.from('abcd\r\n');
    const expected = await renderMessage(message, { domains: g.ctx.domains, user: { name: 'bob' } });
    const retr = await c.multi('RETR 1');
    expect(retr.status).toBe(`+OK ${expected.length} octets`);
    expect(retr.body.subarray(0, -3).equals(expected)).toBe(true);

    expect(await c.cmd('RETR 2')).toBe('-ERR [SYS/TEMP] could not read message 2; try again later');
    expect(await c.cmd('NOOP')).toBe('+OK');
  });

  it('refuses lines over 255 octets and counts them as bad commands', async () => {
    const g = await start({ maxBadCommands: 3 });
    const { c } = await open(g.port);
    expect(await c.cmd('USER ' + 'b'.repeat(248))).toBe('+OK send PASS');
    expect(await c.cmd('USER ' + 'b'.repeat(249))).toBe('-ERR line too long (at most 255 octets)');
    expect(await c.cmd('XYZZY')).toBe('-ERR unknown command');
    expect(await c.cmd('NOOP')).toBe('-ERR too many bad commands; closing the connection');
    await c.closedByServer();
  });

  it('closes an idle session without deleting anything', async () => {
    const g = await start({ idleTimeoutMs: 300 });
    g.deliver('bob', smsMessage('i1', 'x'));
    const c = await login(g.port);
    await c.cmd('DELE 1');
    const last = await c.closedByServer();
    expect(last).toBe('-ERR autologout: idle for too long\r\n');
    expect(g.mailboxes.removeCalls).toEqual([]);
  });

  it('refuses sessions past maxSessions', async () => {
    const g = await start({ maxSessions: 1 });
    await open(g.port);
    const extra = await RawPop3.connect(g.port);
    clients.push(extra);
    expect(await extra.line()).toBe('-ERR [SYS/TEMP] too many sessions; try again later');
  });

  it('ends open sessions on stop', async () => {
    const g = await start();
    const c = await login(g.port);
    await g.stop();
    gw = undefined;
    await c.closedByServer();
  });

  describe('STLS', () => {
    const cert = makeCertificate();
    const certificate = { key: readFileSync(cert.keyFile), cert: readFileSync(cert.certFile) };

    it('upgrades in place, drops pipelined plaintext, then logs in over TLS', async () => {
      const g = await start({ certificate });
      g.deliver('bob', smsMessage('t1', 'secret text'));
      const { c } = await open(g.port);
      expect((await c.multi('CAPA')).body.toString()).toContain('STLS\r\n');
      // A man in the middle would append plaintext commands after STLS (CVE-2011-0411): they must be ignored.
      c.write('STLS\r\nUSER bob\r\nPASS secret\r\n');
      expect(await c.line()).toBe('+OK begin TLS negotiation');
      await c.startTls();
      expect(c.encrypted).toBe(true);
      expect(await c.cmd('PASS secret')).toBe('-ERR send USER first');
      const capa = (await c.multi('CAPA')).body.toString();
      expect(capa).not.toContain('STLS');
      expect(await c.cmd('STLS')).toBe('-ERR command not permitted when TLS active');
      expect(await c.cmd('USER bob')).toBe('+OK send PASS');
      expect(await c.cmd('PASS secret')).toMatch(/^\+OK bob's maildrop has 1 message/);
      expect((await c.multi('RETR 1')).body.toString()).toContain('secret text');
      expect(await c.quit()).toMatch(/^\+OK/);
    });

    it('is not offered after login', async () => {
      const g = await start({ certificate });
      const c = await login(g.port);
      expect((await c.multi('CAPA')).body.toString()).not.toContain('STLS');
      expect(await c.cmd('STLS')).toBe('-ERR STLS is not valid in this state');
    });
  });
});
