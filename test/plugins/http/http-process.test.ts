// The HTTP interface in a gateway started as a user starts it (`nowsms start --config`), driven with curl as
// a NowSMS or Kannel user types it: what is answered, what is stored, what reaches the connection, and the
// status callbacks a local receiver records. Bad input gets a clear answer each and stores nothing.
import type { ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../../../core/index.ts';
import { checkSchema, openApiDocument } from '../../../plugins/http/index.ts';
import { missingPeer } from '../../helpers/peers.ts';
import { cli, freePort, startProcess, stopProcess, writeConfig, type ConfigFile } from '../../helpers/process.ts';
import { waitFor } from '../../helpers/wait.ts';
import { curl, receiver } from './curl.ts';
import type { SunkMessage } from './sink.ts';

const SECRET = 'callback-secret-0123456789';

async function gatewayConfig(port: number, sinkFile: string): Promise<ConfigFile> {
  return writeConfig({
    withoutEmail: true,
    imports: { '{ httpInterface }': 'plugins/http/index.ts', '{ sink }': 'test/plugins/http/sink.ts' },
    keys: `users: [
      { name: 'alice', password: 'alice-pw', httpLogin: true, recipients: ['+15550001111'] },
      { name: 'bob', password: 'bob-pw', smtpLogin: true },
      { name: 'root', password: 'root-pw', httpAdmin: true },
      { name: 'forced', password: 'forced-pw', httpLogin: true, forcedSender: '+15550009999' },
      { name: 'frugal', password: 'frugal-pw', httpLogin: true, credits: 1 },
    ],`,
    plugins: [`sink(${JSON.stringify(sinkFile)})`, `httpInterface({ port: ${port}, callbackSecret: ${JSON.stringify(SECRET)}, maxRequestBytes: 1048576 })`],
  });
}

const sunk = (file: string): SunkMessage[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as SunkMessage)
    : [];

const textOf = (m: SunkMessage) => Buffer.from(m.parts[0]!.hex, 'hex').toString('utf8');
const ids = (body: string) => [...body.matchAll(/MessageID=([0-9a-z]+), Recipient=(\S+)/g)].map((m) => ({ id: m[1]!, to: m[2]! }));

describe.skipIf(missingPeer('curl'))('the HTTP interface in a gateway process', () => {
  let gateway: ChildProcess | undefined;
  let base = '';
  let config: ConfigFile;
  let sinkFile = '';
  let lines: string[] = [];
  /** How many messages alice has in the store, read through the JSON API (the store's own list). */
  const aliceCount = async () => {
    const r = await curl(['-u', 'alice:alice-pw', `${base}/api/v1/messages?limit=500`]);
    return (JSON.parse(r.body) as { messages: unknown[] }).messages.length;
  };

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const dir = (await writeConfig({ withoutEmail: true })).dir;
    sinkFile = path.join(dir, 'sunk.jsonl');
    config = await gatewayConfig(port, sinkFile);
    const started = await startProcess(config);
    gateway = started.child;
    lines = started.lines;
  });
  afterAll(async () => {
    if (gateway) await stopProcess(gateway);
  });

  it('sends with the NowSMS URL: "Message Submitted" and a MessageID= line per recipient, the text exact', async () => {
    const r = await curl([`${base}/?PhoneNumber=%2B447700900123,%2B447700900124&Text=caf%C3%A9+%F0%9F%98%80+a%26b+1%2B1&User=alice&Password=alice-pw`]);
    expect(r.status).toBe(200);
    expect(r.body).toContain('Message Submitted');
    const sent = ids(r.body);
    expect(sent.map((s) => s.to)).toEqual(['+447700900123', '+447700900124']);
    const out = await waitFor('both messages at the connection', () => {
      const got = sunk(sinkFile).filter((m) => sent.some((s) => s.id === m.id));
      return got.length === 2 && got;
    });
    for (const m of out) {
      expect(textOf(m)).toBe('café 😀 a&b 1+1');
      // Her first recipient address is her sender, so replies come back to her (as for SMTP).
      expect(m.from).toBe('+15550001111');
    }
  });

  it('takes a POSTed form, HTTP Basic, Sender and ReceiptRequested; a forced sender wins over Sender', async () => {
    const r = await curl([
      '-u',
      'forced:forced-pw',
      '--data-urlencode',
      'PhoneNumber=+447700900125',
      '--data-urlencode',
      'Text=posted text',
      '-d',
      'Sender=12345',
      '-d',
      'ReceiptRequested=Yes',
      `${base}/`,
    ]);
    expect(r.status).toBe(200);
    const { id } = ids(r.body)[0]!;
    const m = await waitFor('the posted message', () => sunk(sinkFile).find((s) => s.id === id));
    expect(textOf(m)).toBe('posted text');
    expect(m.from).toBe('+15550009999');
    expect((m.meta.sms as { receipt?: string }).receipt).toBe('final');
  });

  it('holds a message with DelayUntil (server time, YYYYMMDDHHMMSS) until then', async () => {
    const at = new Date(Math.ceil((Date.now() + 2500) / 1000) * 1000);
    const p = (n: number) => String(n).padStart(2, '0');
    const local = `${at.getFullYear()}${p(at.getMonth() + 1)}${p(at.getDate())}${p(at.getHours())}${p(at.getMinutes())}${p(at.getSeconds())}`;
    const r = await curl([`${base}/?PhoneNumber=%2B447700900132&Text=later&DelayUntil=${local}&User=alice&Password=alice-pw`]);
    expect(r.status).toBe(200);
    const { id } = ids(r.body)[0]!;
    const queued = JSON.parse((await curl(['-u', 'alice:alice-pw', `${base}/api/v1/messages/${id}`])).body) as { status: string };
    expect(queued.status).toBe('queued');
    const m = await waitFor('the delayed message', () => sunk(sinkFile).find((s) => s.id === id));
    expect(m.at).toBeGreaterThanOrEqual(at.getTime());
    const bad = await curl([`${base}/?PhoneNumber=%2B447700900132&Text=later&DelayUntil=20261340&User=alice&Password=alice-pw`]);
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('YYYYMMDDHHMMSS');
  });

  it('sends a binary SMS from UDH, Data, PID and DCS (a WAP push to port 2948)', async () => {
    const r = await curl([`${base}/?PhoneNumber=447700900126&UDH=0605040B8423F0&Data=01060403AE81EA&PID=00&DCS=F5&User=alice&Password=alice-pw`]);
    expect(r.status).toBe(200);
    const { id } = ids(r.body)[0]!;
    const m = await waitFor('the binary message', () => sunk(sinkFile).find((s) => s.id === id));
    expect(m.parts).toEqual([{ contentType: 'application/octet-stream', hex: '01060403ae81ea' }]);
    expect(m.meta.sms).toMatchObject({ coding: '8bit', ports: { source: 9200, destination: 2948 }, protocolId: 0, messageClass: 1 });
  });

  it('sends an MMS from a multipart form: MMSSubject, MMSText and an MMSFile upload, the picture byte for byte', async () => {
    const picture = Buffer.concat([Buffer.from('ffd8ffe000104a464946', 'hex'), Buffer.from(Array.from({ length: 300 }, (_, i) => i % 256))]);
    const file = path.join(config.dir, 'photo.jpg');
    writeFileSync(file, picture);
    const r = await curl([
      '-u',
      'alice:alice-pw',
      '-F',
      'PhoneNumber=+447700900127',
      '-F',
      'MMSSubject=Holiday ✈',
      '-F',
      'MMSText=Look at this',
      '-F',
      `MMSFile=@${file};type=image/jpeg`,
      `${base}/`,
    ]);
    expect(r.status, r.body).toBe(200);
    const { id } = ids(r.body)[0]!;
    const m = await waitFor('the MMS', () => sunk(sinkFile).find((s) => s.id === id));
    expect(m.kind).toBe('mms');
    expect(m.subject).toBe('Holiday ✈');
    const image = m.parts.find((p) => p.contentType === 'image/jpeg')!;
    expect(Buffer.from(image.hex, 'hex').equals(picture)).toBe(true);
    expect(image.name).toBe('photo.jpg');
    expect(m.parts.some((p) => p.contentType.startsWith('text/plain') && Buffer.from(p.hex, 'hex').toString() === 'Look at this')).toBe(true);
    expect(m.parts.some((p) => p.contentType === 'application/smil')).toBe(true);
  });

  it("takes Kannel's /cgi-bin/sendsms and calls its dlr-url when the connection accepts and when it is delivered", async () => {
    const dlr = await receiver();
    try {
      const url = `${dlr.url}/dlr?type=%d&to=%p&id=%I&smsc=%i&user=%n&time=%t&q=%q&unknown=%x`;
      const r = await curl([
        '-G',
        `${base}/cgi-bin/sendsms`,
        '--data-urlencode',
        'username=alice',
        '--data-urlencode',
        'password=alice-pw',
        '--data-urlencode',
        'to=447700900128 447700900129',
        '--data-urlencode',
        'text=from kannel',
        '--data-urlencode',
        'dlr-mask=9',
        '--data-urlencode',
        `dlr-url=${url}`,
      ]);
      expect(r.status).toBe(202);
      // Kannel's answer word for word, two recipients or one.
      expect(r.body).toBe('0: Accepted for delivery');
      // 8 (the SMSC took it) and 1 (delivered) for each of the two messages.
      const calls = await waitFor('four DLR calls', () => dlr.calls.length >= 4 && dlr.calls);
      const seen = calls.map((c) => new URL(c.url, dlr.url).searchParams).map((q) => `${q.get('to')} ${q.get('type')}`);
      expect(seen.sort()).toEqual(['+447700900128 1', '+447700900128 8', '+447700900129 1', '+447700900129 8']);
      // Kannel's other escapes, as Kannel fills them in a report; one it does not know stays as it is.
      for (const c of calls) {
        const q = new URL(c.url, dlr.url).searchParams;
        expect([q.get('smsc'), q.get('user'), q.get('q'), q.get('unknown')]).toEqual(['sink', 'alice', q.get('to'), '%x']);
        expect(q.get('time')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      }
      expect(calls.every((c) => c.headers['idempotency-key'])).toBe(true);
    } finally {
      await dlr.close();
    }
  });

  it("takes Kannel's binary form: udh and text as URL-encoded octets", async () => {
    const r = await curl([
      `${base}/cgi-bin/sendsms?username=alice&password=alice-pw&to=447700900133&udh=%06%05%04%0B%84%23%F0&text=%01%06%04%03%AE%81%EA&coding=1`,
    ]);
    expect(r.status, r.body).toBe(202);
    const [m] = await waitFor('the Kannel binary message', () => {
      const got = sunk(sinkFile).filter((s) => s.to === '+447700900133');
      return got.length > 0 && got;
    });
    expect(m!.parts).toEqual([{ contentType: 'application/octet-stream', hex: '01060403ae81ea' }]);
    expect(m!.meta.sms).toMatchObject({ coding: '8bit', ports: { source: 9200, destination: 2948 } });
  });

  it("reads Kannel's fields as Kannel does: coding=2 text as UTF-16BE octets, charset for the text alone, mclass, pid, validity, deferred", async () => {
    const send = (q: string) => curl([`${base}/cgi-bin/sendsms?username=alice&password=alice-pw&${q}`]);
    // "Привет" as UTF-16BE octets, as a Kannel client sends UCS-2 without naming a charset.
    const ucs2 = Buffer.from('Привет', 'utf16le').swap16();
    const octets = [...ucs2].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
    expect((await send(`to=447700900141&coding=2&text=${octets}`)).status).toBe(202);
    expect((await send(`to=447700900142&coding=2&charset=UTF-16BE&text=${octets}`)).status).toBe(202);
    expect((await send('to=447700900143&charset=ISO-8859-1&text=caf%E9')).status).toBe(202);
    const flash = await send('to=447700900144&mclass=0&pid=65&validity=60&text=flash');
    expect(flash.status, flash.body).toBe(202);
    const deferred = await send('to=447700900145&deferred=30&text=later');
    expect(deferred.status).toBe(202);
    const got = await waitFor('the four Kannel messages', () => {
      const list = sunk(sinkFile).filter((s) => /^\+44770090014[1-4]$/.test(s.to));
      return list.length === 4 && new Map(list.map((s) => [s.to, s]));
    });
    expect(textOf(got.get('+447700900141')!)).toBe('Привет');
    expect(textOf(got.get('+447700900142')!)).toBe('Привет');
    expect(textOf(got.get('+447700900143')!)).toBe('café');
    expect(got.get('+447700900144')!.meta.sms).toMatchObject({ messageClass: 0, protocolId: 65, validityMinutes: 60 });
    // Deferred by 30 minutes: stored, not yet at the connection.
    const [latest] = (
      JSON.parse((await curl(['-u', 'alice:alice-pw', `${base}/api/v1/messages?limit=20`])).body) as { messages: Array<{ to: string; status: string }> }
    ).messages.filter((m) => m.to === '+447700900145');
    expect(latest?.status).toBe('queued');
    expect(sunk(sinkFile).some((s) => s.to === '+447700900145')).toBe(false);

    const badClass = await send('to=447700900146&mclass=7&text=x');
    expect(badClass.status).toBe(400);
    expect(badClass.body).toContain('mclass must be 0 to 3');
    const wrong = await curl([`${base}/cgi-bin/sendsms?username=alice&password=guess&to=447700900146&text=x`]);
    expect([wrong.status, wrong.body]).toEqual([403, 'Authorization failed for sendsms']);
  });

  it("takes Kannel's POST: the body is the message, text/plain in its charset or octets, the other fields X-Kannel-* headers", async () => {
    const headers = (to: string) => ['-H', 'X-Kannel-Username: alice', '-H', 'X-Kannel-Password: alice-pw', '-H', `X-Kannel-To: ${to}`];
    const text = await curl([
      ...headers('447700900151'),
      '-H',
      'Content-Type: text/plain; charset=UTF-8',
      '--data-binary',
      'héllo 😀 a&b',
      `${base}/cgi-bin/sendsms`,
    ]);
    expect([text.status, text.body]).toEqual([202, '0: Accepted for delivery']);
    const latin1 = await curl(
      [...headers('447700900152'), '-H', 'Content-Type: text/plain; charset=ISO-8859-1', '--data-binary', '@-', `${base}/cgi-bin/sendsms`],
      Buffer.from('caf\xe9', 'latin1'),
    );
    expect(latin1.status, latin1.body).toBe(202);
    const binary = await curl(
      [
        ...headers('447700900153'),
        '-H',
        'X-Kannel-UDH: 0605040B8423F0',
        '-H',
        'Content-Type: application/octet-stream',
        '--data-binary',
        '@-',
        `${base}/cgi-bin/sendsms`,
      ],
      Buffer.from('01060403ae81ea', 'hex'),
    );
    expect(binary.status, binary.body).toBe(202);
    const got = await waitFor('the three Kannel POSTs', () => {
      const list = sunk(sinkFile).filter((s) => /^\+44770090015[1-3]$/.test(s.to));
      return list.length === 3 && new Map(list.map((s) => [s.to, s]));
    });
    expect(textOf(got.get('+447700900151')!)).toBe('héllo 😀 a&b');
    expect(textOf(got.get('+447700900152')!)).toBe('café');
    expect(got.get('+447700900153')!.parts).toEqual([{ contentType: 'application/octet-stream', hex: '01060403ae81ea' }]);
    expect(got.get('+447700900153')!.meta.sms).toMatchObject({ coding: '8bit', ports: { source: 9200, destination: 2948 } });

    const xml = await curl([...headers('447700900154'), '-H', 'Content-Type: application/json', '--data-binary', '{}', `${base}/cgi-bin/sendsms`]);
    expect(xml.status).toBe(415);
    expect(xml.body).toContain('X-Kannel-*');
  });

  it('serves the JSON API as its OpenAPI document says, honours Idempotency-Key, and POSTs signed status callbacks', async () => {
    const doc = openApiDocument();
    const served = await curl([`${base}/api/v1/openapi.json`]);
    expect(JSON.parse(served.body)).toEqual(doc);
    const hook = await receiver();
    try {
      const body = JSON.stringify({ to: ['+447700900130', '+447700900131'], text: 'json hello', callbackUrl: `${hook.url}/status` });
      const post = () =>
        curl([
          '-u',
          'alice:alice-pw',
          '-H',
          'content-type: application/json',
          '-H',
          'Idempotency-Key: order-42',
          '--data-binary',
          body,
          `${base}/api/v1/messages`,
        ]);
      const first = await post();
      expect(first.status).toBe(201);
      const submitted = JSON.parse(first.body) as { messages: Array<{ id: string; to: string; status: string; duplicate: boolean }> };
      expect(checkSchema(submitted, { $ref: '#/components/schemas/Submitted' }, doc)).toBeUndefined();
      expect(submitted.messages.map((m) => [m.to, m.status, m.duplicate])).toEqual([
        ['+447700900130', 'queued', false],
        ['+447700900131', 'queued', false],
      ]);
      const before = await aliceCount();
      const again = await post();
      expect(again.status).toBe(200);
      const repeated = JSON.parse(again.body) as typeof submitted;
      expect(repeated.messages.map((m) => m.id)).toEqual(submitted.messages.map((m) => m.id));
      expect(repeated.messages.every((m) => m.duplicate)).toBe(true);
      expect(await aliceCount()).toBe(before);

      // Callbacks: each message's changes up to delivered, signed, with an Idempotency-Key.
      const calls = await waitFor('delivered callbacks for both', () => {
        const delivered = hook.calls.filter((c) => (JSON.parse(c.body) as { status: string }).status === 'delivered');
        return delivered.length >= 2 && hook.calls;
      });
      for (const c of calls) {
        const payload = JSON.parse(c.body) as unknown;
        expect(checkSchema(payload, { $ref: '#/components/schemas/Callback' }, doc)).toBeUndefined();
        const sig = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(c.headers['x-nowsms-signature']))!;
        expect(sig[2]).toBe(createHmac('sha256', SECRET).update(`${sig[1]}.${c.body}`).digest('hex'));
        expect(verifySignature(SECRET, String(c.headers['x-nowsms-signature']), c.body)).toBe(true);
        expect(verifySignature(SECRET, String(c.headers['x-nowsms-signature']), `${c.body} `)).toBe(false);
        expect(c.headers['idempotency-key']).toMatch(/^[0-9a-z]+:\d+$/);
      }
      const statuses = calls.map((c) => JSON.parse(c.body) as { id: string; status: string }).filter((p) => p.id === submitted.messages[0]!.id);
      expect(statuses.map((s) => s.status)).toEqual(expect.arrayContaining(['queued', 'sent', 'delivered']));

      const one = await curl(['-u', 'alice:alice-pw', `${base}/api/v1/messages/${submitted.messages[0]!.id}`]);
      expect(one.status).toBe(200);
      const message = JSON.parse(one.body) as { status: string; history: Array<{ status: string }> };
      expect(checkSchema(message, { $ref: '#/components/schemas/Message' }, doc)).toBeUndefined();
      expect(message.status).toBe('delivered');
      expect(message.history.map((h) => h.status)).toEqual(expect.arrayContaining(['queued', 'sent', 'delivered']));

      // Another user does not see it; an unknown id is 404 in the document's error shape.
      const other = await curl(['-u', 'forced:forced-pw', `${base}/api/v1/messages/${submitted.messages[0]!.id}`]);
      expect(other.status).toBe(404);
      expect(checkSchema(JSON.parse(other.body), { $ref: '#/components/schemas/Error' }, doc)).toBeUndefined();
    } finally {
      await hook.close();
    }
  });

  it('pages through the messages with the cursor, every message once, newest first', async () => {
    const doc = openApiDocument();
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 50; i++) {
      const r = await curl(['-u', 'alice:alice-pw', `${base}/api/v1/messages?limit=3${cursor ? `&cursor=${cursor}` : ''}`]);
      expect(r.status).toBe(200);
      const page = JSON.parse(r.body) as { messages: Array<{ id: string }>; nextCursor?: string };
      expect(checkSchema(page, { $ref: '#/components/schemas/Page' }, doc)).toBeUndefined();
      seen.push(...page.messages.map((m) => m.id));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(await aliceCount());
    expect([...seen].sort().reverse()).toEqual(seen);
  });

  it('refuses bad input with a clear answer each, and stores nothing', async () => {
    const before = await aliceCount();
    const auth = 'User=alice&Password=alice-pw';
    const missing = await curl([`${base}/?Text=hello&${auth}`]);
    expect(missing.status).toBe(400);
    expect(missing.body).toContain('PhoneNumber is missing');
    const invalid = await curl([`${base}/?PhoneNumber=%2B4477009,notanumber&Text=hello&${auth}`]);
    expect(invalid.status).toBe(400);
    expect(invalid.body).toContain('notanumber');
    const noText = await curl([`${base}/?PhoneNumber=%2B447700900123&${auth}`]);
    expect(noText.status).toBe(400);
    expect(noText.body).toContain('Text is missing');
    // A link checker's HEAD of a send URL sends nothing.
    expect((await curl(['-I', `${base}/?PhoneNumber=%2B447700900123&Text=hello&${auth}`])).status).toBe(404);
    const route = await curl([`${base}/?PhoneNumber=%2B447700900123&Text=hello&SMSCRoute=nosuch&${auth}`]);
    expect(route.status).toBe(400);
    expect(route.body).toContain('no connection nosuch');
    const charset = await curl([`${base}/?PhoneNumber=%2B447700900123&Text=hello&charset=klingon&${auth}`]);
    expect(charset.status).toBe(400);
    expect(charset.body).toContain('unknown charset klingon');
    const badUtf8 = await curl([`${base}/?PhoneNumber=%2B447700900123&Text=caf%E9&${auth}`]);
    expect(badUtf8.status).toBe(400);
    expect(badUtf8.body).toContain('not valid utf-8');
    // No store keeps a NUL in an address or a subject: a clear refusal, as for any other bad input.
    const nulSender = await curl([`${base}/?PhoneNumber=%2B447700900123&Text=hello&Sender=ab%00cd&${auth}`]);
    expect(nulSender.status).toBe(422);
    expect(nulSender.body).toContain('the sender contains a NUL character');
    const nulSubject = await curl([`${base}/?PhoneNumber=%2B447700900123&MMSText=hello&MMSSubject=hi%00there&${auth}`]);
    expect(nulSubject.status).toBe(422);
    expect(nulSubject.body).toContain('the subject contains a NUL character');
    // The same byte, named as Latin-1, is an é.
    const latin1 = await curl([`${base}/?PhoneNumber=%2B447700900140&Text=caf%E9&charset=iso-8859-1&${auth}`]);
    expect(latin1.status).toBe(200);
    const { id } = ids(latin1.body)[0]!;
    expect(textOf(await waitFor('the latin-1 message', () => sunk(sinkFile).find((s) => s.id === id)))).toBe('café');

    const big = path.join(config.dir, 'big.txt');
    writeFileSync(big, `PhoneNumber=%2B447700900123&${auth}&Text=${'x'.repeat(10 * 1024 * 1024)}`);
    const tooBig = await curl(['--data-binary', `@${big}`, `${base}/`]);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toContain('maxRequestBytes');
    const longUrl = await curl([`${base}/?PhoneNumber=%2B447700900123&${auth}&Text=${'y'.repeat(40_000)}`]);
    expect(longUrl.status).toBe(431);
    expect(longUrl.body).toContain('POST long texts');
    const tooLong = await curl(['--data-urlencode', `Text=${'z'.repeat(5000)}`, '-d', `PhoneNumber=%2B447700900123&${auth}`, `${base}/`]);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toContain('sms.maxSegments');

    const json = await curl([
      '-u',
      'alice:alice-pw',
      '-H',
      'content-type: application/json',
      '--data-binary',
      '{"to":"+447700900123","txt":"typo"}',
      `${base}/api/v1/messages`,
    ]);
    expect(json.status).toBe(400);
    expect(JSON.parse(json.body)).toEqual({ error: { code: 'NOWSMS_ERR_BAD_REQUEST', message: 'body.txt: is not a known field' } });
    const notJson = await curl(['-u', 'alice:alice-pw', '-H', 'content-type: application/json', '--data-binary', '{to:', `${base}/api/v1/messages`]);
    expect(notJson.status).toBe(400);
    const kannelNoTo = await curl([`${base}/cgi-bin/sendsms?username=alice&password=alice-pw&text=hi`]);
    expect(kannelNoTo.status).toBe(400);
    expect(kannelNoTo.body).toContain('Missing receiver number');

    // Only the Latin-1 message was stored.
    expect(await aliceCount()).toBe(before + 1);
  });

  it('lets in only users with the HTTP login right, saying so to the right password only', async () => {
    const noRight = await curl([`${base}/?PhoneNumber=%2B447700900123&Text=hi&User=bob&Password=bob-pw`]);
    expect(noRight.status).toBe(403);
    expect(noRight.body).toContain('--http-login');
    const wrong = await curl([`${base}/?PhoneNumber=%2B447700900123&Text=hi&User=bob&Password=guess`]);
    expect(wrong.status).toBe(401);
    expect(wrong.headers['www-authenticate']).toBe('Basic realm="nowsms"');
    expect(wrong.body).not.toContain('http-login');
    // The operator gives bob the right with the CLI; the running gateway takes it at once.
    expect(cli(['users', 'set', 'bob', '--http-login', '--config', config.file]).status).toBe(0);
    const ok = await waitFor('bob let in', async () => {
      const r = await curl([`${base}/?PhoneNumber=%2B447700900123&Text=hi&User=bob&Password=bob-pw`]);
      return r.status === 200 && r;
    });
    expect(ok.body).toContain('Message Submitted');
    expect(lines.some((l) => l.includes('authentication failed for user bob from 127.0.0.1 (http)'))).toBe(true);
  });

  it("applies a user's credits: the second message is refused with 402 and not stored", async () => {
    const first = await curl([`${base}/?PhoneNumber=%2B447700900150&Text=one&User=frugal&Password=frugal-pw`]);
    expect(first.status).toBe(200);
    const second = await curl([`${base}/?PhoneNumber=%2B447700900151&Text=two&User=frugal&Password=frugal-pw`]);
    expect(second.status).toBe(402);
    expect(second.body).toContain('ERROR');
    const listed = JSON.parse((await curl(['-u', 'frugal:frugal-pw', `${base}/api/v1/messages`])).body) as { messages: Array<{ to: string }> };
    expect(listed.messages.map((m) => m.to)).toEqual(['+447700900150']);
  });

  it('answers /admin/xmlstatus to an admin with NowSMS element names and the counters', async () => {
    const r = await curl([`${base}/ADMIN/XMLSTATUS?User=root&Password=root-pw`]);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toContain('xml');
    const sink =
      /<SMSCStatus>\s*<Name>sink<\/Name>\s*<Status>OK<\/Status>\s*<StatusDetail>[^<]*<\/StatusDetail>\s*<MessagesToday>(\d+)<\/MessagesToday>\s*<MessagesLast7Days>(\d+)<\/MessagesLast7Days>\s*<MessagesLast30Days>(\d+)<\/MessagesLast30Days>/.exec(
        r.body,
      );
    expect(sink, r.body).not.toBeNull();
    const sentToday = Number(sink![1]);
    expect(sentToday).toBe(sunk(sinkFile).length);
    expect(r.body).not.toContain('<Name>http</Name>');
    expect(r.body).toMatch(/<SMSSent>\s*<Today>\d+<\/Today>/);
    expect(r.body).toMatch(/<SMSReceived>\s*<Today>0<\/Today>/);
    expect(r.body).toMatch(/<SMSOUTQ>\d+<\/SMSOUTQ>/);
    const notAdmin = await curl([`${base}/admin/xmlstatus?User=alice&Password=alice-pw`]);
    expect(notAdmin.status).toBe(403);
    expect(notAdmin.body).toContain('--http-admin');
    expect((await curl([`${base}/admin/xmlstatus`])).status).toBe(401);
  });

  it('provisions users for an admin (Add, Modify with credits, CreditCheck, Delete) and refuses everyone else', async () => {
    const refused = await curl([
      '-G',
      `${base}/provision`,
      '-u',
      'alice:alice-pw',
      '-d',
      'Type=SMS&AdminAction=Add&Name=carol&Password=carol-pw&EnableWebLogin=Yes',
    ]);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatch(/^ERROR: /);
    const nobody = await curl([`${base}/provision?Type=SMS&AdminAction=Add&Name=carol&Password=carol-pw`]);
    expect(nobody.status).toBe(401);
    expect((await curl([`${base}/?PhoneNumber=%2B447700900160&Text=hi&User=carol&Password=carol-pw`])).status).toBe(401);

    const add = await curl([
      '-G',
      `${base}/provision`,
      '-u',
      'root:root-pw',
      '-d',
      'Type=SMS&AdminAction=Add&Name=carol&Password=carol-pw&EnableWebLogin=Yes&EnableCreditBalance=Yes&CreditsToAdd=5',
    ]);
    expect(add.status, add.body).toBe(200);
    expect(add.body.trim()).toBe('OK');
    expect((await curl([`${base}/?PhoneNumber=%2B447700900160&Text=hi&User=carol&Password=carol-pw`])).status).toBe(200);
    const modify = await curl(['-G', `${base}/provision`, '-u', 'root:root-pw', '-d', 'Type=SMS&AdminAction=Modify&Name=carol&CreditsToAdd=10']);
    expect(modify.body.trim()).toBe('OK');
    const check = await curl(['-G', `${base}/provision`, '-u', 'root:root-pw', '-d', 'Type=SMS&AdminAction=CreditCheck&Name=carol']);
    expect(check.body).toBe('OK\nCredits=14\n');
    const twice = await curl(['-G', `${base}/provision`, '-u', 'root:root-pw', '-d', 'Type=SMS&AdminAction=Add&Name=carol&Password=x']);
    expect(twice.status).toBe(400);
    expect(twice.body).toContain('already exists');
    // NowSMS's URL form: the admin's user and password first, then the account's Password.
    const viaUrl = await curl([`${base}/provision?user=root&password=root-pw&Type=SMS&AdminAction=Modify&Name=carol&Password=carol-new`]);
    expect(viaUrl.body.trim()).toBe('OK');
    expect((await curl([`${base}/?PhoneNumber=%2B447700900161&Text=hi&User=carol&Password=carol-new`])).status).toBe(200);
    const del = await curl(['-G', `${base}/provision`, '-u', 'root:root-pw', '-d', 'Type=SMS&AdminAction=Delete&Name=carol']);
    expect(del.body.trim()).toBe('OK');
    expect((await curl([`${base}/?PhoneNumber=%2B447700900160&Text=hi&User=carol&Password=carol-new`])).status).toBe(401);
  });
});
