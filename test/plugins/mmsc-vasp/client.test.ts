// The outbound MM7 connection against a real HTTP server that reads each SubmitReq with the codec and
// answers as the test tells it: success (the MMSC's MessageID kept for its delivery report), failure
// statuses (permanent: one attempt; temporary: retried), HTTP 500, a dropped connection, an answer slower
// than the timeout, SOAP Faults, refused credentials, nobody listening.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { NewMessage, Part } from '../../../core/index.ts';
import { post } from '../../../plugins/mmsc-vasp/client/post.ts';
import { mm7Client, type Mm7ClientOptions } from '../../../plugins/mmsc-vasp/index.ts';
import { buildMm7 } from '../../../plugins/mmsc-vasp/mm7/index.ts';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import { freePort } from '../../helpers/process.ts';
import { waitFor } from '../../helpers/wait.ts';
import { TestMmsc } from './test-mmsc.ts';

const FAST_RETRY = { maxAttempts: 20, firstDelaySeconds: 0.05, stepSeconds: 0.05, throttlePauseSeconds: 0.05 };
const ALICE = { name: 'alice', password: 'alice-pw', recipients: ['+15550002222'] };

const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.from([0xff, 0xd9])]);
const PARTS: Part[] = [
  {
    contentType: 'application/smil; charset=utf-8',
    contentId: 'smil',
    name: 'mms.smil',
    data: Buffer.from('<smil><body><par><img src="cid:img"/><text src="cid:txt"/></par></body></smil>'),
  },
  { contentType: 'text/plain; charset=utf-8', contentId: 'txt', name: 'text.txt', data: Buffer.from('Hi Bob ✓') },
  { contentType: 'image/jpeg', contentId: 'img', name: 'photo.jpg', data: jpeg },
];

let mmsc: TestMmsc | undefined;
let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  await mmsc?.stop();
  gw = mmsc = undefined;
});

async function start(client: Partial<Mm7ClientOptions> = {}, reuse?: { mmsc: TestMmsc; dataDir: string }) {
  mmsc = reuse?.mmsc ?? (await TestMmsc.start());
  gw = await startTestGateway({
    ...(reuse ? { dataDir: reuse.dataDir } : {}),
    users: [ALICE],
    smtp: false,
    pop3: false,
    config: { retry: FAST_RETRY },
    plugins: [
      mm7Client({
        id: 'mmsc',
        url: mmsc.url,
        vaspId: 'vasp-1',
        password: 'pw:1',
        vasId: 'vas-9',
        serviceCode: 'svc',
        anyTraffic: true,
        timeoutSeconds: 5,
        ...client,
      }),
    ],
  });
  return { mmsc, gw };
}

async function sendMms(over: Partial<NewMessage> = {}): Promise<string> {
  const [a] = await gw!.gateway.submit([
    { direction: 'MT', kind: 'mms', from: '+15550002222', to: '+447700900123', subject: 'Photo', user: 'alice', parts: PARTS, ...over },
  ]);
  return a!.id;
}

async function until(id: string, status: string) {
  return waitFor(`message ${status}`, async () => {
    const s = await gw!.gateway.stores.messages.summary(id);
    return s?.status === status && s;
  });
}

const connection = () => gw!.gateway.status().mmsc!;

describe('mm7Client: submitting to an MMSC', () => {
  it('1000: the SubmitReq carries everything, the MMS is sent, and the MMSC MessageID finds it for the delivery report', async () => {
    await start();
    const id = await sendMms();
    await until(id, 'sent');
    expect(mmsc!.received).toHaveLength(1);
    const { req, headers } = mmsc!.received[0]!;
    expect(headers.authorization).toBe(`Basic ${Buffer.from('vasp-1:pw:1').toString('base64')}`);
    expect(headers.soapaction).toBe('""');
    expect(headers['content-type']).toMatch(/^multipart\/related; boundary=.*; type="text\/xml"; start="<.*>"$/);
    expect(req).toMatchObject({
      transactionId: id,
      vaspId: 'vasp-1',
      vasId: 'vas-9',
      serviceCode: 'svc',
      sender: { kind: 'number', value: '15550002222' },
      recipients: { to: [{ kind: 'number', value: '447700900123' }], cc: [], bcc: [] },
      subject: 'Photo',
      deliveryReport: true,
    });
    expect(req.content).toEqual(PARTS);
    // The status is readable as soon as it is committed; the dispatcher counts it once the commit is synced.
    await waitFor('the sent counter', () => connection().counters.sent === 1);
    expect(connection()).toMatchObject({ state: 'up', counters: { sent: 1, failed: 0 } });
    // The MMSC's DeliveryReportReq names its MessageID: the store finds our message by it.
    const found = await gw!.gateway.stores.messages.recordReport({ connectionId: 'mmsc', remoteId: 'mmsc-1', outcome: 'delivered' });
    expect(found).toEqual({ messageId: id, status: 'delivered' });
  });

  it('writes the configured schema release, and mm7Version when the MMSC wants another MM7Version', async () => {
    await start({ version: 'REL-5-MM7-1-2', mm7Version: '5.6.0' });
    await until(await sendMms(), 'sent');
    const { raw, version } = mmsc!.received[0]!;
    expect(version).toBe('REL-5-MM7-1-2');
    expect(raw.toString('latin1')).toContain('<MM7Version>5.6.0</MM7Version>');
  });

  it('2002 Address Error is permanent: failed after one attempt, the status in the history', async () => {
    await start();
    mmsc!.answer({ status: 2002 });
    const id = await sendMms();
    const s = await until(id, 'failed');
    expect(mmsc!.received).toHaveLength(1);
    expect(s.history.at(-1)!.detail).toContain('2002 Address Error');
    await waitFor('the failed counter', () => connection().counters.failed === 1);
    expect(connection()).toMatchObject({ state: 'up', counters: { sent: 0, failed: 1 } });
  });

  it.each([3000, 4006])('%i is temporary: retried, then sent', async (code) => {
    await start();
    mmsc!.answer({ status: code });
    const id = await sendMms();
    const s = await until(id, 'sent');
    expect(mmsc!.received).toHaveLength(2);
    expect(s.history.find((e) => e.status === 'retrying')!.detail).toContain(String(code));
  });

  it('a dropped connection and HTTP 500 without a SOAP body: retried, then sent', async () => {
    await start();
    // The drop comes first, on a new connection (a kept-alive one found closed is sent again at once: below).
    mmsc!.answer({ drop: true }, { http: 500 });
    const id = await sendMms();
    const s = await until(id, 'sent');
    expect(mmsc!.received).toHaveLength(3);
    const retries = s.history.filter((e) => e.status === 'retrying').map((e) => e.detail);
    expect(retries[0]).toMatch(/cannot reach the MMSC .*(ECONNRESET|socket hang up)/);
    expect(retries[1]).toContain('HTTP 500');
  });

  it('a kept-alive connection the MMSC closed while idle: sent again at once on a new one, no retry spent', async () => {
    await start();
    await until(await sendMms(), 'sent');
    mmsc!.closeNextReused = true;
    const s = await until(await sendMms(), 'sent');
    expect(s.history.some((e) => e.status === 'retrying')).toBe(false);
    expect(mmsc!.received).toHaveLength(2);
    expect(mmsc!.closeNextReused).toBe(false);
  });

  it('an answer slower than timeoutSeconds: a temporary failure, retried, then sent', async () => {
    await start({ timeoutSeconds: 0.3 });
    mmsc!.answer({ slowMs: 1500 });
    const id = await sendMms();
    const s = await until(id, 'sent');
    expect(s.history.find((e) => e.status === 'retrying')!.detail).toContain('no answer within 0.3 s');
  });

  it('a SOAP Fault: by its MM7 status (2007: failed at once), without one by its faultcode (Server: retried)', async () => {
    await start();
    mmsc!.answer({ fault: 'Client', code: 2007 });
    const failed = await sendMms();
    const s = await until(failed, 'failed');
    expect(s.history.at(-1)!.detail).toContain('2007 Message format corrupt');
    mmsc!.answer({ fault: 'Server' });
    const retried = await sendMms();
    const r = await until(retried, 'sent');
    expect(r.history.find((e) => e.status === 'retrying')!.detail).toContain('SOAP Fault (Server');
    expect(mmsc!.received).toHaveLength(3);
  });

  it('HTTP 401: the connection is down with the reason; the message waits instead of failing', async () => {
    await start();
    mmsc!.answer({ http: 401 }, { http: 401 }, { http: 401 });
    const id = await sendMms();
    await waitFor('connection down', () => connection().state === 'down');
    expect(connection().detail).toContain('refused our credentials (HTTP 401)');
    // It waits for the config to be fixed rather than failing.
    await until(id, 'retrying');
    expect(mmsc!.received).toHaveLength(1);
  });

  it('a SubmitRsp counts by its status even with HTTP 500: 2002 fails at once', async () => {
    await start();
    mmsc!.answer({ status: 2002, httpStatus: 500 });
    const s = await until(await sendMms(), 'failed');
    expect(s.history.at(-1)!.detail).toContain('2002 Address Error');
    expect(mmsc!.received).toHaveLength(1);
  });

  it('4001 Improper identification: like refused credentials, the connection is down and the message waits', async () => {
    await start();
    mmsc!.answer({ status: 4001 });
    const id = await sendMms();
    await waitFor('connection down', () => connection().state === 'down');
    expect(connection().detail).toContain('4001 Improper identification');
    // It waits for the config to be fixed rather than failing.
    await until(id, 'retrying');
  });

  it('the gateway stopped while a SubmitReq waits for a slow MMSC: after a restart the MMS is sent', async () => {
    await start({ timeoutSeconds: 120 });
    mmsc!.answer({ slowMs: 60_000 });
    const id = await sendMms();
    await waitFor('the SubmitReq at the MMSC', () => mmsc!.received.length === 1);
    const dataDir = gw!.dataDir;
    await gw!.stop();
    await start({ timeoutSeconds: 120 }, { mmsc: mmsc!, dataDir });
    const s = await until(id, 'sent');
    expect(mmsc!.received).toHaveLength(2);
    expect(s.history.filter((e) => e.status === 'sent')).toHaveLength(1);
  });

  it('nobody listening: retrying, the connection says why', async () => {
    await start({ url: `http://127.0.0.1:${await freePort()}/mm7` });
    const id = await sendMms();
    await waitFor('connection retrying', () => connection().state === 'retrying');
    expect(connection().detail).toContain('ECONNREFUSED');
    expect((await gw!.gateway.stores.messages.summary(id))!.status).not.toBe('failed');
  });
});

describe('mm7Client: "(FM: user)" and the sender', () => {
  it('embedSenderInSubject on: an MMS alice sent carries "(FM: alice)"; one with no user does not', async () => {
    await start({ embedSenderInSubject: true });
    await until(await sendMms(), 'sent');
    await until(await sendMms({ user: undefined, subject: 'From a script' }), 'sent');
    await until(await sendMms({ subject: undefined }), 'sent');
    expect(mmsc!.received.map((r) => r.req.subject)).toEqual(['Photo (FM: alice)', 'From a script', '(FM: alice)']);
  });

  it('embedSenderInSubject off (the default): the subject as written', async () => {
    await start();
    await until(await sendMms(), 'sent');
    expect(mmsc!.received[0]!.req.subject).toBe('Photo');
  });

  it('defaultSender with allowSenderOverride false replaces every sender; with override the message sender wins', async () => {
    await start({ defaultSender: '12345', allowSenderOverride: false });
    await until(await sendMms(), 'sent');
    expect(mmsc!.received[0]!.req.sender).toEqual({ kind: 'shortCode', value: '12345' });
    await gw!.stop();
    await mmsc!.stop();
    await start({ defaultSender: '12345' });
    await until(await sendMms(), 'sent');
    await until(await sendMms({ from: 'ACME' }), 'sent');
    expect(mmsc!.received.map((r) => r.req.sender)).toEqual([
      { kind: 'number', value: '15550002222' },
      { kind: 'shortCode', value: 'ACME' },
    ]);
  });
});

describe('the POST to the MMSC', () => {
  it('gives up as soon as the gateway stops (the abort signal), not at the timeout', async () => {
    const arrived: http.ServerResponse[] = [];
    const server = http.createServer((_req, res) => void arrived.push(res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const abort = new AbortController();
      const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mm7`);
      const agent = new http.Agent();
      const request = buildMm7({ type: 'DeliveryReportRsp', transactionId: 't', status: { code: 1000 } }, 'REL-6-MM7-1-4');
      const pending = post(request, { url, user: 'u', password: 'p', soapAction: '""', timeoutMs: 600_000, agent, signal: abort.signal });
      await waitFor('the request at the server', () => arrived.length === 1);
      abort.abort();
      await expect(pending).rejects.toMatchObject({ kind: 'aborted' });
      agent.destroy();
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
