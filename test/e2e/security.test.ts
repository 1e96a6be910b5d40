// The security checks of issue 15 that no other test makes, against the gateway started as a user starts
// it (`nowsms start --config`): no password, AUTH line or token reaches the log even at level debug, on any
// login path; failed logins on every path count toward the per-address and per-account lockouts; the HTTP
// servers cap idle connections per address and close those that never log in; the admin socket refuses
// other Unix users. What other tests already cover is listed in docs/security.md ("What the tests check").
import { spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, freePort, startProcess, stopProcess, writeConfig, type ConfigFile } from '../helpers/process.ts';
import { cstr, pdu, RawSmpp } from '../plugins/smpp/server/raw.ts';
import { SmscSimulator } from '../plugins/smpp/smsc-simulator/index.ts';

/** A line-oriented client (SMTP, POP3, HTTP/1.1) from a chosen loopback address, keeping what it hears. */
class Talk {
  text = '';
  closed = false;
  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => (this.text += d.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => (this.closed = true));
  }
  static open(port: number, localAddress = '127.0.0.1'): Promise<Talk> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host: '127.0.0.1', localAddress }, () => resolve(new Talk(s)));
      s.once('error', reject);
    });
  }
  send(line: string): void {
    this.socket.write(line + '\r\n');
  }
  async until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; heard ${JSON.stringify(this.text)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  /** Send a line and wait for the next reply matching `re` after what was heard so far. */
  async ask(line: string, re: RegExp): Promise<string> {
    const from = this.text.length;
    this.send(line);
    await this.until(() => re.test(this.text.slice(from)) || this.closed, String(re));
    return this.text.slice(from);
  }
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

async function smppBind(port: number, from: string, name: string, password: string): Promise<RawSmpp> {
  const r = await RawSmpp.open(port, from);
  r.write(pdu(0x09, 1, Buffer.concat([cstr(name), cstr(password), cstr(''), Buffer.from([0x34, 0, 0]), cstr('')])));
  await r.until(() => r.pdus.some((p) => p.commandId === 0x80000009) || r.closed, 'bind_transceiver_resp');
  return r;
}

/** One HTTP/1.1 request on its own connection from a chosen address: the status code. */
async function http(port: number, from: string, target: string, headers: Record<string, string> = {}, body?: string): Promise<number> {
  const t = await Talk.open(port, from);
  try {
    const head = [
      `${body === undefined ? 'GET' : 'POST'} ${target} HTTP/1.1`,
      'Host: 127.0.0.1',
      'Connection: close',
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
      ...(body === undefined ? [] : [`Content-Length: ${Buffer.byteLength(body)}`]),
      '',
      body ?? '',
    ];
    t.socket.write(head.join('\r\n'));
    await t.until(() => /^HTTP\/1\.1 \d{3}/.test(t.text), `the answer to ${target}`);
    return Number(t.text.slice(9, 12));
  } finally {
    t.socket.destroy();
  }
}

const basic = (name: string, password: string) => ({ Authorization: `Basic ${b64(`${name}:${password}`)}` });

async function pop3Login(port: number, from: string, user: string, password: string): Promise<string> {
  const t = await Talk.open(port, from);
  try {
    await t.until(() => /\r\n/.test(t.text), 'the POP3 greeting');
    await t.ask(`USER ${user}`, /\r\n/);
    return await t.ask(`PASS ${password}`, /\r\n/);
  } finally {
    t.socket.destroy();
  }
}

async function apopLogin(port: number, from: string, user: string, secret: string): Promise<string> {
  const t = await Talk.open(port, from);
  try {
    await t.until(() => /\r\n/.test(t.text), 'the POP3 greeting');
    const stamp = /<[^>]+>/.exec(t.text)![0];
    return await t.ask(
      `APOP ${user} ${createHash('md5')
        .update(stamp + secret)
        .digest('hex')}`,
      /\r\n/,
    );
  } finally {
    t.socket.destroy();
  }
}

async function smtpAuthPlain(port: number, from: string, user: string, password: string): Promise<string> {
  const t = await Talk.open(port, from);
  try {
    await t.until(() => /^220 /m.test(t.text), 'the SMTP greeting');
    await t.ask('EHLO security.test', /^250 /m);
    return await t.ask(`AUTH PLAIN ${b64(`\0${user}\0${password}`)}`, /^\d{3} /m);
  } finally {
    t.socket.destroy();
  }
}

interface Running {
  child: ChildProcess;
  lines: string[];
  stderr: string[];
  config: ConfigFile;
  ports: { smtp: number; pop3: number; smpp: number; http: number; mm7: number };
}

/** `outbound`: also the gateway's own accounts, an SMSC bind (to `smscPort`) and an MMSC, with these secrets. */
async function startGateway(opts: {
  security: string;
  door?: string;
  users: string;
  mm7Password: string;
  outbound?: { smscPort: number; smscPassword: string; mmscPassword: string; callbackSecret: string };
}): Promise<Running> {
  const [smpp, httpPort, mm7] = [await freePort(), await freePort(), await freePort()];
  const door = opts.door ?? '';
  const o = opts.outbound;
  const outbound = o
    ? [
        `smppClient({ id: 'smsc', host: '127.0.0.1', port: ${o.smscPort}, systemId: 'gw', password: ${JSON.stringify(o.smscPassword)}, anyTraffic: true })`,
        `mm7Client({ id: 'mmsc', url: 'http://127.0.0.1:9/mm7', vaspId: 'vasp', password: ${JSON.stringify(o.mmscPassword)}, anyTraffic: true })`,
      ]
    : [];
  const config = await writeConfig({
    imports: {
      '{ smppServer, smppClient }': 'plugins/smpp/index.ts',
      '{ httpInterface }': 'plugins/http/index.ts',
      '{ mm7Server, mm7Client }': 'plugins/mmsc-vasp/index.ts',
    },
    security: opts.security,
    keys: `users: [${opts.users}],`,
    plugins: [
      `smppServer({ port: ${smpp} ${door ? `, ${door}` : ''} })`,
      `httpInterface({ port: ${httpPort} ${o ? `, callbackSecret: ${JSON.stringify(o.callbackSecret)}` : ''} ${door ? `, ${door}` : ''} })`,
      `mm7Server({ port: ${mm7}, accounts: [{ name: 'mmsc', password: ${JSON.stringify(opts.mm7Password)}, routeTo: 'mailer' }] ${door ? `, ${door}` : ''} })`,
      ...outbound,
    ],
  });
  // The whole log: trace, the lowest level, includes debug.
  writeFileSync(config.file, readFileSync(config.file, 'utf8').replace("level: 'info'", "level: 'trace'"));
  const { child, lines } = await startProcess(config);
  const stderr: string[] = [];
  child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString('utf8')));
  return { child, lines, stderr, config, ports: { smtp: config.smtpPort, pop3: config.pop3Port, smpp, http: httpPort, mm7 } };
}

// Every secret below is a string that appears nowhere else, so that finding it in the log means a leak.
const S = {
  mailer: 'Mail-pw-7Yq2Lr',
  mailerWrong: 'Mail-typo-9Kd3Vz',
  smpp: 'Sp7Qx2Wm', // SMPP 3.4 carries 8 characters at most
  smppWrong: 'Sp9Zt4Rk',
  web: 'Web-pw-3Hn8Tc',
  webWrong: 'Web-typo-6Jb1Px',
  mm7: 'Mm7-pw-5Gf4Ds',
  mm7Wrong: 'Mm7-typo-2Ne7Qa',
  added: 'Cli-added-8Rt5Yu',
  changed: 'Cli-changed-4Lp9Oi',
  smsc: 'Sc3Vb8Nm', // the gateway's own bind to an SMSC
  mmsc: 'Mmsc-pw-6Wq1Ez',
  callback: 'Cb-secret-9Ux4Hy',
};

describe('no secrets in the log, at level trace (debug included)', () => {
  let g: Running;
  let smsc: SmscSimulator;
  beforeAll(async () => {
    smsc = await SmscSimulator.start({ systemId: 'gw', password: S.smsc });
    g = await startGateway({
      outbound: { smscPort: smsc.port, smscPassword: S.smsc, mmscPassword: S.mmsc, callbackSecret: S.callback },
      security: '{ authFailureDelayMs: 0, apop: true, authFailuresPerIp: 100, authFailuresPerUser: 100 }',
      mm7Password: S.mm7,
      users: `
        { name: 'mailer', password: ${JSON.stringify(S.mailer)}, smtpLogin: true, recipients: ['+15550001111'] },
        { name: 'esme', password: ${JSON.stringify(S.smpp)}, smppLogin: true },
        { name: 'web', password: ${JSON.stringify(S.web)}, httpLogin: true, httpAdmin: true, recipients: ['+15550002222'] },`,
    });
  }, 60_000);
  afterAll(async () => {
    if (g) await stopProcess(g.child);
    await smsc?.stop();
  });

  it('logs in on every path, right and wrong, and the log holds none of the passwords in any form', async () => {
    const { smtp, pop3, smpp, http: web, mm7 } = g.ports;
    // The gateway's own bind to the SMSC, with its password.
    for (let i = 0; i < 300 && smsc.bound.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(smsc.bound).toHaveLength(1);
    // SMTP: AUTH PLAIN right and wrong, AUTH LOGIN (user and password as their own base64 lines), then a mail.
    expect(await smtpAuthPlain(smtp, '127.0.0.1', 'mailer', S.mailerWrong)).toMatch(/^535 /m);
    const t = await Talk.open(smtp);
    await t.until(() => /^220 /m.test(t.text), 'greeting');
    await t.ask('EHLO security.test', /^250 /m);
    expect(await t.ask('AUTH LOGIN', /^334 /m)).toMatch(/^334 /m);
    expect(await t.ask(b64('mailer'), /^334 /m)).toMatch(/^334 /m);
    expect(await t.ask(b64(S.mailer), /^\d{3} /m)).toMatch(/^235 /m);
    await t.ask('MAIL FROM:<mailer@example.com>', /^250 /m);
    await t.ask('RCPT TO:<15550002222@sms.localhost>', /^250 /m);
    await t.ask('DATA', /^354 /m);
    expect(await t.ask('Subject: hi\r\n\r\nhello\r\n.', /^\d{3} /m)).toMatch(/^250 /m);
    // An MMS too: it goes to the MMSC, whose MM7 link (with its password) is down.
    await t.ask('MAIL FROM:<mailer@example.com>', /^250 /m);
    await t.ask('RCPT TO:<15550002222@mms.localhost>', /^250 /m);
    await t.ask('DATA', /^354 /m);
    expect(await t.ask('Subject: pic\r\n\r\nan mms\r\n.', /^\d{3} /m)).toMatch(/^250 /m);
    t.socket.destroy();
    expect(await smtpAuthPlain(smtp, '127.0.0.1', 'mailer', S.mailer)).toMatch(/^235 /m);

    // POP3: USER/PASS right and wrong, APOP right and wrong.
    expect(await pop3Login(pop3, '127.0.0.1', 'mailer', S.mailerWrong)).toMatch(/^-ERR/);
    expect(await pop3Login(pop3, '127.0.0.1', 'mailer', S.mailer)).toMatch(/^\+OK/);
    expect(await apopLogin(pop3, '127.0.0.1', 'mailer', S.mailer)).toMatch(/^\+OK/);
    expect(await apopLogin(pop3, '127.0.0.1', 'mailer', S.mailerWrong)).toMatch(/^-ERR/);

    // SMPP: bind right and wrong.
    const bad = await smppBind(smpp, '127.0.0.1', 'esme', S.smppWrong);
    expect(bad.pdus[0]?.status).toBe(0x0e);
    bad.socket.destroy();
    const good = await smppBind(smpp, '127.0.0.1', 'esme', S.smpp);
    expect(good.pdus[0]?.status).toBe(0);
    good.socket.destroy();

    // HTTP interface: the password in the query string (NowSMS, Kannel), in a form body, and as HTTP Basic.
    const q = (pw: string) => `/?PhoneNumber=%2B15550001111&Text=hi&User=web&Password=${encodeURIComponent(pw)}`;
    expect(await http(web, '127.0.0.1', q(S.webWrong))).toBe(401);
    expect(await http(web, '127.0.0.1', q(S.web))).toBe(200);
    // Kannel's answer to a failed login: 403.
    expect(await http(web, '127.0.0.1', `/cgi-bin/sendsms?username=web&password=${S.webWrong}&to=15550001111&text=hi`)).toBe(403);
    expect(await http(web, '127.0.0.1', `/cgi-bin/sendsms?username=web&password=${S.web}&to=15550001111&text=hi`)).toBe(202);
    const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
    expect(await http(web, '127.0.0.1', '/', form, `PhoneNumber=%2B15550001111&Text=hi&User=web&Password=${S.webWrong}`)).toBe(401);
    expect(await http(web, '127.0.0.1', '/api/v1/messages?limit=1', basic('web', S.webWrong))).toBe(401);
    expect(await http(web, '127.0.0.1', '/api/v1/messages?limit=1', basic('web', S.web))).toBe(200);
    expect(await http(web, '127.0.0.1', '/admin/xmlstatus', basic('web', S.web))).toBe(200);

    // Requests Node's HTTP parser refuses, carrying a password: the parser's error holds the raw bytes.
    for (const port of [web, mm7]) {
      const raw = await Talk.open(port);
      raw.socket.write(`GET /?User=web&Password=${S.web} HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ${b64(`web:${S.web}`)}\r\nno colon here\r\n\r\n`);
      await raw.until(() => /^HTTP\/1\.1 400/.test(raw.text), 'the 400 to a malformed request');
      raw.socket.destroy();
    }
    expect(await http(web, '127.0.0.1', `/?User=web&Password=${S.web}&Text=${'x'.repeat(17_000)}`)).toBe(431);

    // MM7: HTTP Basic right and wrong (the body does not matter for the login).
    const soap = { 'Content-Type': 'text/xml', ...basic('mmsc', S.mm7Wrong) };
    expect(await http(mm7, '127.0.0.1', '/mm7', soap, '<x/>')).toBe(401);
    expect(await http(mm7, '127.0.0.1', '/mm7', { 'Content-Type': 'text/xml', ...basic('mmsc', S.mm7) }, '<x/>')).not.toBe(401);

    // The admin socket: an account added and a password changed through the running gateway.
    const added = cli(['users', 'add', 'carol', '--password', S.added, '--smtp-login', '--config', g.config.file]);
    expect(added.status).toBe(0);
    const changed = cli(['users', 'set', 'carol', '--password', S.changed, '--config', g.config.file]);
    expect(changed.status).toBe(0);
    const cliOutput = added.stdout + added.stderr + changed.stdout + changed.stderr;

    await stopProcess(g.child);
    const log = g.lines.join('\n') + g.stderr.join('');
    // The log did record these sessions at debug level: the check below looks at a log that has something to say.
    expect(g.lines.some((l) => l.includes('"level":20') || l.includes('"level":10'))).toBe(true);
    expect(log).toContain('authentication failed for user mailer');
    expect(log).toContain('authentication failed for user esme');
    expect(log).toContain('authentication failed for user web');
    expect(log).toContain('bad HTTP from client');
    // Plain, base64 (AUTH LOGIN, AUTH PLAIN, HTTP Basic), URL-encoded, and as the octet list JSON makes of a Buffer.
    const octets = (s: string) => [...Buffer.from(s)].join(',');
    const forms = (pw: string) => [
      pw,
      b64(pw),
      encodeURIComponent(pw),
      b64(`\0mailer\0${pw}`),
      b64(`web:${pw}`),
      b64(`mmsc:${pw}`),
      octets(pw),
      octets(b64(`web:${pw}`)),
    ];
    for (const pw of Object.values(S)) {
      for (const form of forms(pw)) {
        expect({ leaked: form, in: 'gateway log', found: log.includes(form) }).toEqual({ leaked: form, in: 'gateway log', found: false });
        expect({ leaked: form, in: 'CLI output', found: cliOutput.includes(form) }).toEqual({ leaked: form, in: 'CLI output', found: false });
      }
    }
  }, 90_000);
});

describe('failed logins on every path count toward the lockouts', () => {
  let g: Running;
  beforeAll(async () => {
    g = await startGateway({
      security: '{ authFailureDelayMs: 0, apop: true, authFailuresPerIp: 3, authFailuresPerUser: 4, authFailuresPerSession: 10 }',
      mm7Password: 'mm7-pw',
      users: `
        { name: 'mailer', password: 'mailer-pw', smtpLogin: true, smppLogin: true, httpLogin: true, recipients: ['+15550001111'] },
        { name: 'victim', password: 'victim-pw', smtpLogin: true, smppLogin: true, httpLogin: true, recipients: ['+15550003333'] },`,
    });
  }, 60_000);
  afterAll(async () => {
    if (g) await stopProcess(g.child);
  });

  // Each path guesses from an address of its own, at a name of its own (so no account reaches its limit);
  // after three guesses the right password of another account fails from there, on every service.
  const guessers: [string, string, (g: Running, from: string) => Promise<void>][] = [
    ['POP3 USER/PASS', '127.0.1.1', async (g, from) => void expect(await pop3Login(g.ports.pop3, from, 'guessed1', 'guess')).toMatch(/^-ERR/)],
    ['POP3 APOP', '127.0.1.2', async (g, from) => void expect(await apopLogin(g.ports.pop3, from, 'guessed2', 'guess')).toMatch(/^-ERR/)],
    [
      'SMPP bind',
      '127.0.1.3',
      async (g, from) => {
        const r = await smppBind(g.ports.smpp, from, 'guessed3', 'guess');
        expect(r.pdus[0]?.status).toBe(0x0e);
        r.socket.destroy();
      },
    ],
    ['HTTP interface', '127.0.1.4', async (g, from) => void expect(await http(g.ports.http, from, '/api/v1/messages', basic('guessed4', 'guess'))).toBe(401)],
    [
      'MM7',
      '127.0.1.5',
      async (g, from) => void expect(await http(g.ports.mm7, from, '/mm7', { 'Content-Type': 'text/xml', ...basic('mmsc', 'guess') }, '<x/>')).toBe(401),
    ],
  ];
  for (const [name, from, guess] of guessers) {
    it(`locks the address out after three failed ${name} logins, on every service`, async () => {
      for (let i = 0; i < 3; i++) await guess(g, from);
      expect(await smtpAuthPlain(g.ports.smtp, from, 'mailer', 'mailer-pw')).toMatch(/^421 4\.7\.0 too many failed logins from your address/m);
      expect(await pop3Login(g.ports.pop3, from, 'mailer', 'mailer-pw')).toMatch(/^-ERR \[SYS\/TEMP\] too many failed logins/);
      expect(await http(g.ports.http, from, '/api/v1/messages', basic('mailer', 'mailer-pw'))).toBe(429);
      // From an address of its own, the account still logs in: the lockout is the address's.
      expect(await smtpAuthPlain(g.ports.smtp, '127.0.1.99', 'mailer', 'mailer-pw')).toMatch(/^235 /m);
    });
  }

  it('locks an account guessed at from several addresses over several paths, for every path', async () => {
    // One guess per address and path, four in all: no address reaches its own limit.
    expect(await smtpAuthPlain(g.ports.smtp, '127.0.2.1', 'victim', 'guess')).toMatch(/^535 /m);
    expect(await pop3Login(g.ports.pop3, '127.0.2.2', 'victim', 'guess')).toMatch(/^-ERR/);
    const r = await smppBind(g.ports.smpp, '127.0.2.3', 'victim', 'guess');
    expect(r.pdus[0]?.status).toBe(0x0e);
    r.socket.destroy();
    expect(await http(g.ports.http, '127.0.2.4', '/api/v1/messages', basic('victim', 'guess'))).toBe(401);
    // Now the right password, from a fresh address, is refused on each path until the lockout ends.
    const from = '127.0.2.9';
    expect(await smtpAuthPlain(g.ports.smtp, from, 'victim', 'victim-pw')).toMatch(/^4\d\d /m);
    expect(await pop3Login(g.ports.pop3, from, 'victim', 'victim-pw')).toMatch(/^-ERR \[SYS\/TEMP\]/);
    expect(await apopLogin(g.ports.pop3, from, 'victim', 'victim-pw')).toMatch(/^-ERR \[SYS\/TEMP\]/);
    const locked = await smppBind(g.ports.smpp, from, 'victim', 'victim-pw');
    expect(locked.pdus[0]?.status).toBe(0x0d); // ESME_RBINDFAIL
    locked.socket.destroy();
    expect(await http(g.ports.http, from, '/api/v1/messages', basic('victim', 'victim-pw'))).toBe(429);
    // Another account is not touched.
    expect(await smtpAuthPlain(g.ports.smtp, from, 'mailer', 'mailer-pw')).toMatch(/^235 /m);
  });
});

describe('the HTTP servers under idle connections', () => {
  let g: Running;
  beforeAll(async () => {
    g = await startGateway({
      security: '{ authFailureDelayMs: 0 }',
      door: 'maxSessionsPerIp: 3, loginTimeoutSeconds: 1',
      mm7Password: 'mm7-pw',
      users: `{ name: 'web', password: 'web-pw', httpLogin: true, recipients: ['+15550002222'] },`,
    });
  }, 60_000);
  afterAll(async () => {
    if (g) await stopProcess(g.child);
  });

  for (const server of ['http', 'mm7'] as const) {
    it(`${server}: refuses a fourth idle connection from one address, serves another address, and closes idle ones at the login deadline`, async () => {
      const port = g.ports[server];
      const idle = await Promise.all([1, 2, 3].map(() => Talk.open(port, '127.0.3.1')));
      const fourth = await Talk.open(port, '127.0.3.1');
      await fourth.until(() => fourth.closed, 'the fourth connection closed');
      expect(fourth.text).toMatch(/^HTTP\/1\.1 (429|503)|^$/);
      // Another address is served meanwhile.
      expect(await http(port, '127.0.3.2', server === 'http' ? '/api/v1/openapi.json' : '/mm7', {}, server === 'http' ? undefined : '<x/>')).not.toBe(0);
      // The idle ones never logged in: closed at the deadline.
      for (const c of idle) await c.until(() => c.closed, 'an idle connection closed at the login deadline');
    });
  }
});

describe('the admin socket', () => {
  let g: Running;
  beforeAll(async () => {
    g = await startGateway({ security: '{ authFailureDelayMs: 0 }', mm7Password: 'mm7-pw', users: '' });
  }, 60_000);
  afterAll(async () => {
    if (g) await stopProcess(g.child);
  });

  it('refuses another Unix user even when the directories above it let everyone through', () => {
    const socket = path.join(g.config.dataDir, 'admin.sock');
    expect(statSync(g.config.dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(socket).mode & 0o777).toBe(0o600);
    // Open the way to the socket so that only its own mode stands between another user and the gateway.
    chmodSync(g.config.dir, 0o755);
    chmodSync(g.config.dataDir, 0o755);
    const probe = `const s = require('node:net').connect(${JSON.stringify(socket)});
      s.on('connect', () => { console.log('connected'); s.end(); });
      s.on('error', (e) => console.log(e.code));`;
    const asNobody = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', probe], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect({ out: asNobody.stdout.trim(), err: asNobody.stderr }).toEqual({ out: 'EACCES', err: '' });
    // The gateway's own user gets in, the same way.
    const asOwner = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8', timeout: 20_000 });
    expect(asOwner.stdout.trim()).toBe('connected');
  });
});

describe('input that would be buffered without end', () => {
  let g: Running;
  beforeAll(async () => {
    g = await startGateway({
      security: '{ authFailureDelayMs: 0 }',
      mm7Password: 'mm7-pw',
      users: `{ name: 'mailer', password: 'mailer-pw', smtpLogin: true, smppLogin: true, recipients: ['+15550001111'] },`,
    });
  }, 60_000);
  afterAll(async () => {
    if (g) await stopProcess(g.child);
  });

  it('SMTP: a command line that never ends is refused and the session closed; another session is served', async () => {
    const t = await Talk.open(g.ports.smtp);
    await t.until(() => /^220 /m.test(t.text), 'greeting');
    const chunk = 'A'.repeat(64 * 1024);
    for (let i = 0; i < 32 && !t.closed; i++) t.socket.write(chunk); // 2 MiB, no CRLF
    await t.until(() => t.closed, 'the close after an endless command line');
    expect(t.text).toMatch(/^421 .*too long/m);
    expect(await smtpAuthPlain(g.ports.smtp, '127.0.0.1', 'mailer', 'mailer-pw')).toMatch(/^235 /m);
  });

  it('SMPP: a PDU announcing 256 MiB is refused at its header (generic_nack, ESME_RINVCMDLEN), not waited for', async () => {
    const bound = await smppBind(g.ports.smpp, '127.0.0.1', 'mailer', 'mailer-pw');
    expect(bound.pdus[0]?.status).toBe(0);
    const r = await RawSmpp.open(g.ports.smpp);
    const head = pdu(0x04, 7);
    head.writeUInt32BE(0x10000000, 0); // command_length: 256 MiB
    r.write(Buffer.concat([head, Buffer.alloc(1024)]));
    await r.until(() => r.closed, 'the close after an impossible command_length');
    expect(r.pdus.map((p) => [p.commandId, p.status])).toEqual([[0x80000000, 0x02]]);
    // The bound session is untouched.
    bound.write(pdu(0x15, 2)); // enquire_link
    await bound.until(() => bound.pdus.some((p) => p.commandId === 0x80000015), 'enquire_link_resp');
    bound.socket.destroy();
  });

  it('the admin socket: a request line over 1 MiB is answered NOWSMS_ERR_BAD_REQUEST and the connection closed', async () => {
    const socket = path.join(g.config.dataDir, 'admin.sock');
    const answer = await new Promise<string>((resolve, reject) => {
      const c = net.connect(socket);
      let got = '';
      c.setEncoding('utf8');
      c.on('data', (d: string) => (got += d));
      c.on('close', () => resolve(got));
      c.on('error', reject);
      c.write('{"command":"status","pad":"' + 'x'.repeat((1 << 20) + 10));
    });
    expect(JSON.parse(answer.trim())).toMatchObject({
      ok: false,
      error: { code: 'NOWSMS_ERR_BAD_REQUEST', message: expect.stringMatching(/longer than 1048576 bytes/) },
    });
  });
});
