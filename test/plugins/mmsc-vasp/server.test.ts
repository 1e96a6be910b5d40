// The inbound MM7 endpoint, in-process gateway, real sockets, curl as the MMSC: the shared vectors' whole
// requests and requests written by hand from TS 23.140; what a user notices is checked in the store.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Connection, Message, NowsmsPlugin, QueueEntry } from '../../../core/index.ts';
import { mm7Server, type Mm7ServerOptions } from '../../../plugins/mmsc-vasp/index.ts';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import { missingPeer } from '../../helpers/peers.ts';
import { waitFor } from '../../helpers/wait.ts';
import { curlMm7, deliverReq, readReplyReq, statusCode, vectorRequest, withContent, xmlRequest, NS, VECTORS, type Mm7Part } from './mm7-http.ts';

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

const ACCOUNTS: Mm7ServerOptions['accounts'] = [
  { name: 'mmsc', password: 'mmsc-secret', routeTo: 'alice' },
  { name: 'vasp', password: 'vasp-secret', submit: true },
  { name: 'local-only', password: 'local-secret', allowIps: '127.0.0.1', routeTo: 'alice' },
];
const MMSC: [string, string] = ['mmsc', 'mmsc-secret'];

/** Every byte value, behind a JPEG start: binary content must arrive byte for byte. */
const IMAGE = Buffer.concat([Buffer.from('ffd8ffe000104a464946', 'hex'), Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(2048)]);
const PARTS: Mm7Part[] = [
  { contentType: 'text/plain; charset=utf-8', contentId: 'text1', name: 'hello.txt', data: Buffer.from('Hello from the phone, ünïcode\r\nsecond line') },
  { contentType: 'image/jpeg', contentId: 'img1', name: 'photo.jpg', data: IMAGE },
];

/** An outbound MM7 link as the real client will be (kind mm7): it sends and gets the MMSC's MessageID back. */
function mm7Link(id: string, remoteId: (e: QueueEntry) => string | undefined): Connection & { sent: QueueEntry[] } {
  const sent: QueueEntry[] = [];
  return {
    id,
    kind: 'mm7',
    carries: { mms: true },
    anyTraffic: true,
    sent,
    async start() {},
    async stop() {},
    async send(entry) {
      sent.push(entry);
      const r = remoteId(entry);
      return r ? { remoteIds: [r] } : {};
    },
    status: () => ({ state: 'up', counters: {} }),
  };
}

async function start(opts: Partial<Mm7ServerOptions> = {}, extra: Connection[] = [], plugins: NowsmsPlugin[] = []): Promise<{ gw: TestGateway; port: number }> {
  gw = await startTestGateway({
    users: [{ name: 'alice', password: 'alice-pw', receive: true }],
    smtp: false,
    pop3: false,
    plugins: [
      mm7Server({ port: 0, accounts: ACCOUNTS, ...opts }),
      ...extra.map((c) => ({ name: `test-${c.id}`, setup: (api: { connection(c: Connection): void }) => api.connection(c) })),
      ...plugins,
    ],
  });
  const listening = gw.gateway.status()['mm7-server']!.listening![0]!;
  return { gw, port: Number(listening.slice(listening.lastIndexOf(':') + 1)) };
}

async function received(g: TestGateway): Promise<Message[]> {
  const list = await g.gateway.stores.messages.list({ direction: 'MO' });
  return Promise.all(list.map(async (s) => (await g.gateway.stores.messages.get(s.id))!));
}

describe.skipIf(missingPeer('curl'))('the inbound MM7 endpoint', () => {
  it('stores the vector DeliverReq for the account routeTo user and answers DeliverRsp 1000; a redelivery is stored once', async () => {
    const { gw: g, port } = await start();
    const req = vectorRequest('sinch_mm7_deliver_3.http');
    const first = await curlMm7(port, req, { auth: MMSC });
    expect(first.status, first.body).toBe(200);
    expect(first.body).toMatch(/DeliverRsp/);
    expect(statusCode(first.body)).toBe(1000);
    expect(first.body).toContain('<');
    expect(first.body).toMatch(/1000001/); // the request's TransactionID comes back

    const [m] = await received(g);
    expect(m).toMatchObject({ kind: 'mms', direction: 'MO', to: '111122', via: 'mm7:mmsc' });
    expect(m!.from).toMatch(/1617423433$/);
    // The vector's content, in order: the image (its Content-ID without <>) and the text.
    expect(m!.parts.map((p) => [p.contentType.split(';')[0], p.contentId])).toEqual([
      ['image/jpeg', 'image_0.jpg'],
      ['text/plain', 'text_0.txt'],
    ]);
    expect(m!.parts[1]!.data.toString('utf8')).toMatch(/^Test MO message!/);
    expect(await g.gateway.stores.mailboxes.list('alice')).toHaveLength(1);

    // The MMSC did not get our answer and sends the same request again: the same answer, nothing new stored.
    const again = await curlMm7(port, req, { auth: MMSC });
    expect(statusCode(again.body)).toBe(1000);
    expect(await received(g)).toHaveLength(1);
    expect(g.gateway.status()['mm7-server']!.counters).toMatchObject({ delivered: 1, duplicates: 1 });
  }, 60_000);

  it('keeps every part byte for byte, one message per recipient, and knows a redelivery by its MessageID', async () => {
    const { gw: g, port } = await start();
    const req = (transactionId: string) =>
      deliverReq({
        transactionId,
        messageId: 'mmsc-msg-42',
        sender: '+447700900123',
        to: ['+15550001111'],
        cc: ['+15550003333'],
        subject: 'holiday',
        parts: PARTS,
      });
    const answer = await curlMm7(port, req('tx-1'), { auth: MMSC });
    expect(statusCode(answer.body), answer.body).toBe(1000);
    const got = await received(g);
    expect(got.map((m) => m.to).sort()).toEqual(['+15550001111', '+15550003333']);
    for (const m of got) {
      expect(m).toMatchObject({ from: '+447700900123', subject: 'holiday', via: 'mm7:mmsc' });
      expect(m.parts).toHaveLength(2);
      expect(m.parts[0]!.contentType).toMatch(/^text\/plain/);
      expect(m.parts[0]!.data.toString('utf8')).toBe('Hello from the phone, ünïcode\r\nsecond line');
      expect(m.parts[1]).toMatchObject({ contentType: expect.stringMatching(/^image\/jpeg/), name: 'photo.jpg' });
      expect(m.parts[1]!.contentId).toMatch(/img1/);
      expect(m.parts[1]!.data.equals(IMAGE)).toBe(true);
    }
    expect(await g.gateway.stores.mailboxes.list('alice')).toHaveLength(2);

    // A retry with a new TransactionID and the same MessageID is the same MMS.
    const retry = await curlMm7(port, req('tx-2'), { auth: MMSC });
    expect(statusCode(retry.body)).toBe(1000);
    expect(retry.body).toMatch(/tx-2/);
    expect(await received(g)).toHaveLength(2);
  }, 60_000);

  it('routes a reply carrying "(FM: alice)" to alice although the account has no routeTo', async () => {
    const { gw: g, port } = await start({ accounts: [{ name: 'mmsc', password: 'mmsc-secret' }] });
    const answer = await curlMm7(
      port,
      deliverReq({ transactionId: 't', messageId: 'm-fm', sender: '+447700900123', to: ['+15550001111'], subject: 'Re: photo (FM: alice)', parts: PARTS }),
      { auth: MMSC },
    );
    expect(statusCode(answer.body)).toBe(1000);
    expect(await g.gateway.stores.mailboxes.list('alice')).toHaveLength(1);
  }, 60_000);

  it('answers a refusal of the store with its MM7 class: 4006 to try again later, 3002 for good; nothing stored', async () => {
    const barred = {
      name: 'test-barred',
      setup(api: { hooks: { route: { tap(name: string, fn: (m: Message) => unknown): void } } }) {
        api.hooks.route.tap('test-barred', (m) =>
          m.to === '+15550009999' ? { kind: 'reject', temporary: false, reason: 'this number is barred' } : undefined,
        );
      },
    };
    const { gw: g, port } = await start(
      {
        accounts: [
          { name: 'mmsc', password: 'mmsc-secret', routeTo: 'nobody-here' },
          { name: 'plain', password: 'plain-pw' },
        ],
      },
      [],
      [barred as never],
    );
    const later = await curlMm7(port, deliverReq({ transactionId: 'e1', sender: '+447700900123', to: ['+15550001111'], parts: PARTS }), { auth: MMSC });
    expect(statusCode(later.body)).toBe(4006);
    expect(later.body).toMatch(/nobody-here/);
    const never = await curlMm7(port, deliverReq({ transactionId: 'e2', sender: '+447700900123', to: ['+15550009999'], parts: PARTS }), {
      auth: ['plain', 'plain-pw'],
    });
    expect(statusCode(never.body)).toBe(3002);
    expect(never.body).toMatch(/this number is barred/);
    expect(await received(g)).toHaveLength(0);
  }, 60_000);

  it('refuses wrong or missing Basic credentials with 401 and stores nothing', async () => {
    const { gw: g, port } = await start();
    const req = vectorRequest('sinch_mm7_deliver_3.http');
    const wrong = await curlMm7(port, req, { auth: ['mmsc', 'guess'] });
    expect(wrong.status).toBe(401);
    expect(wrong.headers).toMatch(/www-authenticate: Basic realm="nowsms MM7"/i);
    const unknown = await curlMm7(port, req, { auth: ['nobody', 'mmsc-secret'] });
    expect(unknown.status).toBe(401);
    const none = await curlMm7(port, req);
    expect(none.status).toBe(401);
    expect(await received(g)).toHaveLength(0);
  }, 60_000);

  it('locks out an address after too many failed logins (HTTP 429), the right password included', async () => {
    const { gw: g, port } = await start();
    const req = vectorRequest('sinch_mm7_deliver_3.http');
    for (let i = 0; i < 10; i++) expect((await curlMm7(port, req, { auth: ['mmsc', `guess-${i}`] })).status).toBe(401);
    const locked = await curlMm7(port, req, { auth: MMSC });
    expect(locked.status).toBe(429);
    expect(locked.body).toMatch(/try again in \d+ s/);
    expect(await received(g)).toHaveLength(0);
  }, 60_000);

  it('refuses an account from an address it may not use with 403 and stores nothing', async () => {
    const { gw: g, port } = await start();
    const req = vectorRequest('sinch_mm7_deliver_3.http');
    const foreign = await curlMm7(port, req, { auth: ['local-only', 'local-secret'], from: '127.0.0.2' });
    expect(foreign.status, foreign.body).toBe(403);
    expect(await received(g)).toHaveLength(0);
    const home = await curlMm7(port, req, { auth: ['local-only', 'local-secret'] });
    expect(statusCode(home.body)).toBe(1000);
  }, 60_000);

  it('lets a request being stored finish with its answer when the gateway stops', async () => {
    let entered!: () => void;
    const inRoute = new Promise<void>((r) => (entered = r));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const hold = {
      name: 'test-hold',
      setup(api: { hooks: { route: { tap(name: string, fn: () => Promise<undefined>): void } } }) {
        api.hooks.route.tap('test-hold', async () => {
          entered();
          await held;
          return undefined;
        });
      },
    };
    gw = await startTestGateway({
      smtp: false,
      pop3: false,
      // No routeTo and no user for the number: the route hooks decide, and this one holds the request there.
      plugins: [mm7Server({ port: 0, accounts: [{ name: 'mmsc', password: 'mmsc-secret' }] }), hold as never],
    });
    const g = gw;
    const listening = g.gateway.status()['mm7-server']!.listening![0]!;
    const port = Number(listening.slice(listening.lastIndexOf(':') + 1));
    const answer = curlMm7(port, deliverReq({ transactionId: 's1', sender: '+447700900123', to: ['+15550001111'], parts: PARTS }), { auth: MMSC });
    await inRoute;
    const stopped = g.gateway.stop();
    release();
    const got = await answer;
    await stopped;
    gw = undefined;
    expect(statusCode(got.body), got.body).toBe(1000);
    expect(got.headers).toMatch(/connection: close/i);
  }, 60_000);

  it('closes a logged-in keep-alive connection that idles, and one that trickles its next request', async () => {
    const { port } = await start({ keepAliveSeconds: 0.3, requestTimeoutSeconds: 1 });
    const req = deliverReq({ transactionId: 'k1', messageId: 'k1', sender: '+447700900123', to: ['+15550001111'], parts: PARTS });
    const head = `POST /mm7 HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ${Buffer.from('mmsc:mmsc-secret').toString('base64')}\r\nContent-Type: ${req.contentType}\r\nContent-Length: ${req.body.length}\r\n\r\n`;
    const session = async (after: (socket: net.Socket) => void) => {
      const socket = net.connect(port, '127.0.0.1');
      let got = '';
      socket.on('data', (d) => (got += d.toString('latin1')));
      const closed = new Promise<void>((r) => socket.once('close', () => r()));
      socket.write(Buffer.concat([Buffer.from(head), req.body]));
      await waitFor('the answer', () => /<\/(\w+:)?Envelope>/.test(got));
      expect(statusCode(got)).toBe(1000);
      after(socket);
      await closed;
      return socket;
    };
    await session(() => undefined);
    // One byte of a next request every 100 ms: each byte restarts the idle timer, not the request deadline.
    let timer: NodeJS.Timeout | undefined;
    const next = 'POST /mm7 HTTP/1.1\r\nHost: x\r\nX-Slow: ' + 'a'.repeat(1000);
    let i = 0;
    await session((socket) => {
      timer = setInterval(() => {
        if (!socket.destroyed) socket.write(next[i++ % next.length]!);
      }, 100);
    });
    clearInterval(timer);
    expect(i).toBeGreaterThan(3);
  }, 60_000);

  it('answers 404 elsewhere and 405 to anything but POST', async () => {
    const { port } = await start();
    expect((await curlMm7(port, vectorRequest('sinch_mm7_deliver_3.http'), { auth: MMSC, path: '/other' })).status).toBe(404);
    const get = await curlMm7(port, undefined, { auth: MMSC, method: 'GET' });
    expect(get.status).toBe(405);
    expect(get.headers).toMatch(/allow: POST/i);
  }, 60_000);

  it('refuses a 20 MB request with 413 and stores nothing, while a good request at the same time is answered 1000', async () => {
    const { gw: g, port } = await start();
    const huge = deliverReq({
      transactionId: 'big',
      sender: '+447700900123',
      to: ['+15550001111'],
      parts: [{ contentType: 'image/jpeg', contentId: 'big', data: randomBytes(20 * 1024 * 1024) }],
    });
    const good = deliverReq({ transactionId: 'small', messageId: 'small-1', sender: '+447700900123', to: ['+15550001111'], parts: PARTS });
    const [withExpect, whole, chunked, ok] = await Promise.all([
      curlMm7(port, huge, { auth: MMSC }),
      curlMm7(port, huge, { auth: MMSC, noExpect: true }),
      curlMm7(port, huge, { auth: MMSC, chunked: true }),
      curlMm7(port, good, { auth: MMSC }),
    ]);
    expect(withExpect.status).toBe(413);
    expect(whole.status).toBe(413);
    expect(chunked.status).toBe(413);
    expect(withExpect.body).toMatch(/maxRequestBytes/);
    expect(statusCode(ok.body)).toBe(1000);
    const got = await received(g);
    expect(got).toHaveLength(1);
    expect(got[0]!.meta).toMatchObject({ mm7: { transactionId: 'small' } });
  }, 120_000);

  it('answers XML with a DOCTYPE (billion laughs, an external entity) with a SOAP Fault and stores nothing', async () => {
    const { gw: g, port } = await start();
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
      '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>' +
      `<env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"><env:Header><TransactionID xmlns="${NS}">x</TransactionID></env:Header>` +
      `<env:Body><DeliverReq xmlns="${NS}"><Sender><Number>+447700900123</Number></Sender><Recipients><To><Number>+15550001111</Number></To></Recipients>` +
      '<Subject>&lol4;</Subject></DeliverReq></env:Body></env:Envelope>';
    const external = laughs.replace(/<!DOCTYPE[^\]]*\]>/, '<!DOCTYPE x [<!ENTITY lol4 SYSTEM "file:///etc/passwd">]>');
    for (const xml of [laughs, external]) {
      const answer = await curlMm7(port, xmlRequest(xml), { auth: MMSC });
      expect(answer.status, answer.body).toBe(500);
      expect(answer.body).toMatch(/Fault/);
      expect(answer.body).not.toMatch(/lollol|root:/);
    }
    expect(await received(g)).toHaveLength(0);
    // Other requests are unaffected.
    expect(statusCode((await curlMm7(port, vectorRequest('sinch_mm7_deliver_3.http'), { auth: MMSC })).body)).toBe(1000);
  }, 60_000);

  it('answers a broken multipart boundary and a href to nothing with a clear MM7 status and stores nothing', async () => {
    const { gw: g, port } = await start();
    const good = deliverReq({ transactionId: 'b1', sender: '+447700900123', to: ['+15550001111'], parts: PARTS });
    // The Content-Type names a boundary the body never uses.
    const broken = { ...good, contentType: good.contentType.replace('outer-boundary-7c1', 'no-such-boundary') };
    const nowhere = {
      ...good,
      body: Buffer.from(good.body.toString('latin1').replace('href="cid:content"', 'href="cid:nothing-here"'), 'latin1'),
    };
    // Nothing usable could be read: a SOAP Fault (HTTP 500), 4004 "Validation error", naming the boundary.
    const boundary = await curlMm7(port, broken, { auth: MMSC });
    expect(boundary.status).toBe(500);
    expect(boundary.body).toMatch(/<(\w+:)?Fault>/);
    expect(statusCode(boundary.body)).toBe(4004);
    expect(boundary.body).toMatch(/no-such-boundary/);
    // The request was read, its content is missing: the DeliverRsp says 2004 "Multimedia content refused".
    const href = await curlMm7(port, nowhere, { auth: MMSC });
    expect(href.status).toBe(200);
    expect(href.body).toMatch(/DeliverRsp/);
    expect(statusCode(href.body)).toBe(2004);
    expect(href.body).toMatch(/cid:nothing-here/);
    expect(await received(g)).toHaveLength(0);
    expect(statusCode((await curlMm7(port, good, { auth: MMSC })).body)).toBe(1000);
  }, 60_000);

  it('turns a SubmitReq from a submit account into an MT MMS (waiting for a route), and refuses it from others with 2001', async () => {
    const { gw: g, port } = await start();
    const req = vectorRequest('sinch_mm7_submit_4.http');
    const refused = await curlMm7(port, req, { auth: MMSC });
    expect(refused.body).toMatch(/SubmitRsp/);
    expect(statusCode(refused.body)).toBe(2001);
    expect(await g.gateway.stores.messages.list({ direction: 'MT' })).toHaveLength(0);

    const ok = await curlMm7(port, req, { auth: ['vasp', 'vasp-secret'] });
    expect(statusCode(ok.body), ok.body).toBe(1000);
    const [mt] = await g.gateway.stores.messages.list({ direction: 'MT' });
    expect(mt).toMatchObject({ kind: 'mms', via: 'mm7:vasp', status: 'no-route' });
    expect(ok.body).toContain(`>${mt!.id}<`);
  }, 60_000);

  it('refuses a SubmitReq whose content the MMS rules refuse with 2004 naming why (a type, the size); nothing stored', async () => {
    const { gw: g, port } = await start();
    const submit = (parts: Mm7Part[]) =>
      curlMm7(port, withContent(readFileSync(path.join(VECTORS, 'sinch_mm7_submit_1.xml'), 'utf8').replace('cid:generic', 'cid:content'), parts), {
        auth: ['vasp', 'vasp-secret'],
      });
    const exe = await submit([{ contentType: 'application/x-msdownload', name: 'setup.exe', data: Buffer.from('MZ') }]);
    expect(statusCode(exe.body), exe.body).toBe(2004);
    expect(exe.body).toMatch(/application\/x-msdownload/);
    const big = await submit([{ contentType: 'image/jpeg', name: 'big.jpg', data: randomBytes(400 * 1024) }]);
    expect(statusCode(big.body), big.body).toBe(2004);
    expect(big.body).toMatch(/mms\.maxBytes/);
    expect(await g.gateway.stores.messages.list({ direction: 'MT' })).toHaveLength(0);
  }, 60_000);

  it('applies a DeliveryReportReq and a ReadReplyReq to the MMS an outbound mm7 connection sent', async () => {
    const REMOTE = '369500617770864640'; // the vector's MessageID
    const other = mm7Link('mmsc-a', () => undefined);
    const link = mm7Link('mmsc-b', () => REMOTE);
    // mmsc-a takes nothing (no anyTraffic); mmsc-b sends it.
    other.anyTraffic = false;
    const { gw: g, port } = await start({}, [other, link]);
    const [accepted] = await g.gateway.submit([
      { direction: 'MT', kind: 'mms', from: '+15550002222', to: '+16175550123', parts: PARTS, via: 'test', subject: 'to report on' },
    ]);
    await waitFor('the MMS sent', async () => (await g.gateway.stores.messages.summary(accepted!.id))?.status === 'sent');

    const answer = await curlMm7(port, vectorRequest('sinch_mm7_deliveryreport_3.http'), { auth: MMSC });
    expect(answer.body).toMatch(/DeliveryReportRsp/);
    expect(statusCode(answer.body)).toBe(1000);
    const summary = await g.gateway.stores.messages.summary(accepted!.id);
    expect(summary!.status).toBe('delivered');
    expect(summary!.history.at(-1)!.detail).toMatch(/Retrieved/);

    const read = await curlMm7(port, readReplyReq({ transactionId: 'rr1', messageId: REMOTE, recipient: '+16175550123', status: 'Read' }), { auth: MMSC });
    expect(read.body).toMatch(/ReadReplyRsp/);
    expect(statusCode(read.body)).toBe(1000);
    const after = await g.gateway.stores.messages.summary(accepted!.id);
    expect(after!.status).toBe('delivered');
    expect(after!.history.at(-1)!.detail).toMatch(/\bread\b/);

    // A report about a message nobody sent is answered 1000 too (kept by the store, changes nothing).
    const unknown = vectorRequest('sinch_mm7_deliveryreport_3.http');
    const stray = { ...unknown, body: Buffer.from(unknown.body.toString('utf8').replace(REMOTE, '1234')) };
    expect(statusCode((await curlMm7(port, stray, { auth: MMSC })).body)).toBe(1000);
  }, 60_000);

  it('reports only on the connections an account names in reportsFor', async () => {
    const REMOTE = '369500617770864640';
    const link = mm7Link('mmsc-b', () => REMOTE);
    const { gw: g, port } = await start(
      {
        accounts: [
          { name: 'elsewhere', password: 'pw-1', reportsFor: ['mmsc-x'] },
          { name: 'mine', password: 'pw-2', reportsFor: ['mmsc-b'] },
        ],
      },
      [link],
    );
    const [accepted] = await g.gateway.submit([{ direction: 'MT', kind: 'mms', from: '+15550002222', to: '+16175550123', parts: PARTS, via: 'test' }]);
    await waitFor('the MMS sent', async () => (await g.gateway.stores.messages.summary(accepted!.id))?.status === 'sent');
    const req = vectorRequest('sinch_mm7_deliveryreport_3.http');
    expect(statusCode((await curlMm7(port, req, { auth: ['elsewhere', 'pw-1'] })).body)).toBe(1000);
    expect((await g.gateway.stores.messages.summary(accepted!.id))!.status).toBe('sent');
    expect(statusCode((await curlMm7(port, req, { auth: ['mine', 'pw-2'] })).body)).toBe(1000);
    expect((await g.gateway.stores.messages.summary(accepted!.id))!.status).toBe('delivered');
  }, 60_000);

  it('answers over HTTPS on tlsPort with the gateway certificate', async () => {
    gw = await startTestGateway({
      tls: true,
      users: [{ name: 'alice', password: 'alice-pw' }],
      smtp: false,
      pop3: false,
      plugins: [mm7Server({ port: 0, tlsPort: 0, accounts: ACCOUNTS })],
    });
    const tlsListen = gw.gateway.status()['mm7-server']!.listening![1]!;
    const answer = await curlMm7(Number(tlsListen.slice(tlsListen.lastIndexOf(':') + 1)), vectorRequest('sinch_mm7_deliver_3.http'), {
      auth: MMSC,
      https: true,
    });
    expect(statusCode(answer.body), answer.body).toBe(1000);
    expect(await received(gw)).toHaveLength(1);
  }, 60_000);
});
