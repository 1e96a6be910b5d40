// Self-tests of the MM1 test peers (test/plugins/gprs-mms/mm1-simulator): the operator MMSC and the WAP proxy,
// driven by plain node:http requests as a phone's MMS client makes them, through the proxy with absolute URIs.
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeMms, decodePdu, encodeMms, type NowsmsPlugin } from '../../../core/index.ts';
import { WAP_PUSH_PORT, WapPushReceiver, parseWapPush, type PushOutcome } from '../../../plugins/gprs-mms/push/index.ts';
import { missingPeer } from '../../helpers/peers.ts';
import { cleanup, gateway, modemPlugin, modemRig, waitFor, waitForState } from '../gsm-modem/rig.ts';
import { HttpProxy, Mm1Mmsc, RETRIEVE_MESSAGE_NOT_FOUND, type ProxyRefusal } from './mm1-simulator/index.ts';

const UA = 'Nokia6230i/2.0 (03.25) Profile/MIDP-2.0 Configuration/CLDC-1.1';
const PROFILE = '"http://nds1.nds.nokia.com/uaprof/N6230ir200.xml"';
const jpeg = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
  Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) & 0xff)),
  Buffer.from([0xff, 0xd9]),
]);
const smil = Buffer.from('<smil><body><par dur="5000ms"><img src="pic.jpg"/><text src="t.txt"/></par></body></smil>');
const parts = [
  { contentType: 'application/smil', contentId: 'smil', name: 'smil.xml', data: smil },
  { contentType: 'image/jpeg', contentId: 'pic', name: 'pic.jpg', data: jpeg },
  { contentType: 'text/plain; charset=utf-8', contentId: 'txt', name: 't.txt', data: Buffer.from('Hei fra Bergen, 5 €') },
];

const open: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const p of open.splice(0)) await p.stop();
  await cleanup();
});

async function rig(opts: { refuse?: boolean; refuseWith?: ProxyRefusal } = {}) {
  const mmsc = await Mm1Mmsc.start();
  const proxy = await HttpProxy.start(opts);
  open.push(mmsc, proxy);
  return { mmsc, proxy };
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The body arrived whole (false: the connection closed before Content-Length octets came). */
  complete: boolean;
}

/** A phone's request through the proxy: the absolute URI as the request target. */
function viaProxy(proxy: HttpProxy, method: 'GET' | 'POST', url: string, body?: Buffer): Promise<Reply> {
  const headers: http.OutgoingHttpHeaders = { 'user-agent': UA, 'x-wap-profile': PROFILE, accept: 'application/vnd.wap.mms-message, */*' };
  if (body) {
    headers['content-type'] = 'application/vnd.wap.mms-message';
    headers['content-length'] = body.length;
  }
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: proxy.port, method, path: url, headers, agent: false });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', () => {});
      res.on('close', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), complete: res.complete }));
    });
    req.end(body);
  });
}

/** Reassembles SMS user data by reading its header here (23.040 §9.2.3.24): ports and 8-bit concatenation. */
function reassemble(segments: Buffer[]): { ports: number[]; data: Buffer } {
  const pieces: { seq: number; data: Buffer }[] = [];
  let ports: number[] = [];
  for (const ud of segments) {
    const udhl = ud[0]!;
    let seq = 1;
    for (let at = 1; at < 1 + udhl; at += 2 + ud[at + 1]!) {
      const iei = ud[at]!;
      const el = ud.subarray(at + 2, at + 2 + ud[at + 1]!);
      if (iei === 0x05) ports = [el.readUInt16BE(0), el.readUInt16BE(2)];
      if (iei === 0x00) seq = el[2]!;
    }
    pieces.push({ seq, data: ud.subarray(1 + udhl) });
  }
  pieces.sort((a, b) => a.seq - b.seq);
  return { ports, data: Buffer.concat(pieces.map((p) => p.data)) };
}

describe('MM1 MMSC simulator and WAP proxy', () => {
  it('holds an MMS: the notification says where and how big; fetched through the proxy, the m-retrieve-conf has the parts byte for byte', async () => {
    const { mmsc, proxy } = await rig();
    const held = mmsc.hold({ from: '+4790000001', to: '+4790000002', subject: 'Bilde', parts, expirySeconds: 3600 });
    expect(held.contentLocation).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${mmsc.port}/`));

    const n = decodeMms(held.notification);
    expect(n).toMatchObject({ messageType: 'm-notification-ind', transactionId: held.transactionId, contentLocation: held.contentLocation, subject: 'Bilde' });
    expect(n.from?.address).toBe('+4790000001');
    expect(n.expiry).toEqual({ relativeSeconds: 3600 });
    expect(n.messageSize).toBe(held.retrieveConf.length);

    const reply = await viaProxy(proxy, 'GET', held.contentLocation);
    expect(reply).toMatchObject({ status: 200, complete: true });
    expect(reply.headers['content-type']).toBe('application/vnd.wap.mms-message');
    const conf = decodeMms(reply.body);
    expect(conf).toMatchObject({ messageType: 'm-retrieve-conf', transactionId: held.transactionId, subject: 'Bilde' });
    expect(conf.to?.map((a) => a.address)).toEqual(['+4790000002']);
    expect(conf.parts?.map((p) => [p.contentType, p.contentId, p.name])).toEqual(parts.map((p) => [p.contentType, p.contentId, p.name]));
    for (const [i, p] of parts.entries()) expect(conf.parts![i]!.data.equals(p.data)).toBe(true);
    expect(held.retrievals).toBe(1);

    // Both ends saw the request: the proxy its absolute URI, the MMSC the handset's headers and the proxy's Via.
    expect(proxy.log).toHaveLength(1);
    expect(proxy.log[0]).toMatchObject({ method: 'GET', url: held.contentLocation, absolute: true, outcome: 200 });
    expect(proxy.log[0]!.headers['user-agent']).toBe(UA);
    expect(mmsc.requests).toHaveLength(1);
    expect(mmsc.requests[0]).toMatchObject({
      method: 'GET',
      url: new URL(held.contentLocation).pathname,
      userAgent: UA,
      wapProfile: PROFILE,
      viaProxy: true,
      status: 200,
    });
  });

  it('push SMS: one SMS when the push fits, concatenated otherwise; reassembled, the WSP push parses to the same notification', async () => {
    const { mmsc } = await rig();
    const held = mmsc.hold({ from: '+4790000001', to: '+4790000002', parts });
    const one = mmsc.pushSms(held.notification);
    expect(one.segments).toHaveLength(1);
    expect(one.segments[0]!.subarray(0, 7)).toEqual(Buffer.from([0x06, 0x05, 0x04, 0x0b, 0x84, 0x23, 0xf0]));

    // A long subject makes the notification need three SMS.
    const long = mmsc.hold({ from: '+4790000001', to: '+4790000002', subject: 'x'.repeat(250), parts });
    const many = mmsc.pushSms(long.notification, { tid: 0x21 });
    expect(many.segments.length).toBe(3);
    for (const [i, ud] of many.segments.entries()) {
      expect(ud.length).toBeLessThanOrEqual(140);
      const sms = decodePdu(many.pdus[i]!.pdu);
      if (sms.type !== 'deliver') throw new Error(`an SMS-DELIVER expected, got ${sms.type}`);
      expect(sms.udh?.ports).toEqual({ source: 9200, destination: 2948, bits: 16 });
      expect(sms.udh?.concat).toMatchObject({ total: 3, seq: i + 1 });
      expect(Buffer.concat([sms.udh!.raw, sms.data]).equals(ud)).toBe(true);
    }

    for (const [push, notification] of [
      [one, held.notification],
      [many, long.notification],
    ] as const) {
      const { ports, data } = reassemble([...push.segments].reverse());
      expect(ports).toEqual([2948, 9200]);
      expect(data.equals(push.push)).toBe(true);
      const wsp = parseWapPush(data);
      expect(wsp).toMatchObject({
        pduType: 'push',
        contentType: 'application/vnd.wap.mms-message',
        contentTypeCode: 0x3e,
        applicationId: 'x-wap-application:mms.ua',
      });
      expect(wsp.body.equals(notification)).toBe(true);
    }
    expect(parseWapPush(many.push).tid).toBe(0x21);
  });

  it('records m-notifyresp-ind and m-acknowledge-ind posted to the MMSC URL', async () => {
    const { mmsc, proxy } = await rig();
    const held = mmsc.hold({ from: '+4790000001', to: '+4790000002', parts });
    const resp = await viaProxy(
      proxy,
      'POST',
      mmsc.url,
      encodeMms({ messageType: 'm-notifyresp-ind', transactionId: held.transactionId, status: 'retrieved' }),
    );
    expect(resp.status).toBe(204);
    const ack = await viaProxy(
      proxy,
      'POST',
      mmsc.url,
      encodeMms({ messageType: 'm-acknowledge-ind', transactionId: held.transactionId, reportAllowed: true }),
    );
    expect(ack.status).toBe(204);
    expect(mmsc.notifyResps.map(({ messageType, transactionId, status, reportAllowed }) => ({ messageType, transactionId, status, reportAllowed }))).toEqual([
      { messageType: 'm-notifyresp-ind', transactionId: held.transactionId, status: 'retrieved', reportAllowed: undefined },
      { messageType: 'm-acknowledge-ind', transactionId: held.transactionId, status: undefined, reportAllowed: true },
    ]);
    // Not an MMS PDU: a 400 that says so, nothing recorded as a response.
    const junk = await viaProxy(proxy, 'POST', mmsc.url, Buffer.from('hello'));
    expect(junk.status).toBe(400);
    expect(junk.body.toString()).toContain('not an MMS PDU');
    expect(mmsc.notifyResps).toHaveLength(2);
  });

  it('takes an m-send-req, answers an m-send-conf with Ok and a Message-ID, and later pushes its m-delivery-ind', async () => {
    const { mmsc, proxy } = await rig();
    const req = encodeMms({ messageType: 'm-send-req', transactionId: 'tx-send-1', to: ['+4790000003/TYPE=PLMN'], subject: 'Til deg', parts });
    const reply = await viaProxy(proxy, 'POST', mmsc.url, req);
    expect(reply.status).toBe(200);
    const conf = decodeMms(reply.body);
    expect(conf).toMatchObject({ messageType: 'm-send-conf', transactionId: 'tx-send-1', responseStatus: 0x80 });
    expect(conf.messageId).toBeTruthy();

    const [sent] = await mmsc.waitForSent(1);
    expect(sent).toMatchObject({ transactionId: 'tx-send-1', fromInsertAddress: true, subject: 'Til deg', messageId: conf.messageId });
    expect(sent!.to.map((a) => a.raw)).toEqual(['+4790000003/TYPE=PLMN']);
    for (const [i, p] of parts.entries()) expect(sent!.parts[i]!.data.equals(p.data)).toBe(true);
    expect(mmsc.requests[0]!.viaProxy).toBe(true);

    const ind = mmsc.deliveryInd(conf.messageId!, '+4790000003', 'retrieved');
    const wsp = parseWapPush(reassemble(ind.segments).data);
    expect(decodeMms(wsp.body)).toMatchObject({ messageType: 'm-delivery-ind', messageId: conf.messageId, status: 'retrieved' });
    expect(decodeMms(wsp.body).to?.[0]?.address).toBe('+4790000003');
  });

  it('answers an m-send-req with a transient or permanent Response-Status and no Message-ID when told', async () => {
    const { mmsc, proxy } = await rig();
    mmsc.misbehaveNext({ responseStatus: 0xc1, responseText: 'try later' }, { responseStatus: 0xe1 });
    for (const expected of [0xc1, 0xe1]) {
      const reply = await viaProxy(
        proxy,
        'POST',
        mmsc.url,
        encodeMms({ messageType: 'm-send-req', transactionId: `t${expected}`, to: ['+4790000003'], parts }),
      );
      const conf = decodeMms(reply.body);
      expect(conf).toMatchObject({ messageType: 'm-send-conf', responseStatus: expected });
      expect(conf.messageId).toBeUndefined();
    }
    expect(decodeMms((await viaProxy(proxy, 'POST', mmsc.url, encodeMms({ messageType: 'm-send-req', to: ['+1'], parts }))).body).responseStatus).toBe(0x80);
    expect(mmsc.sent.map((s) => s.messageId === undefined)).toEqual([true, true, false]);
  });

  it('misbehaves on demand: 404, 500, slow, truncated body, dropped connection; then behaves again', async () => {
    const { mmsc, proxy } = await rig();
    const held = mmsc.hold({ from: '+4790000001', to: '+4790000002', parts });
    mmsc.misbehaveNext({ http: 404 }, { http: 500 }, { delayMs: 300 }, 'truncate', 'drop');

    expect((await viaProxy(proxy, 'GET', held.contentLocation)).status).toBe(404);
    expect((await viaProxy(proxy, 'GET', held.contentLocation)).status).toBe(500);

    // Slow: the answer waits until the MMSC's timer fires; the proxy has logged the request before the MMSC answers.
    const slow = viaProxy(proxy, 'GET', held.contentLocation);
    await mmsc.waitFor(() => mmsc.requests.length === 3, 'the slow request');
    expect(mmsc.requests[2]!.status).toBeUndefined();
    expect((await slow).status).toBe(200);
    expect(mmsc.requests[2]!.status).toBe(200);

    // Truncated: a Content-Length the body never reaches, then the connection closes; the client sees it incomplete.
    const cut = await viaProxy(proxy, 'GET', held.contentLocation);
    expect(cut.status).toBe(200);
    expect(Number(cut.headers['content-length'])).toBe(held.retrieveConf.length);
    expect(cut.complete).toBe(false);
    expect(cut.body.length).toBeLessThan(held.retrieveConf.length);

    // Dropped: the proxy gets no answer and says 502.
    const dropped = await viaProxy(proxy, 'GET', held.contentLocation);
    expect(dropped.status).toBe(502);

    const ok = await viaProxy(proxy, 'GET', held.contentLocation);
    expect(ok.complete).toBe(true);
    expect(ok.body.equals(held.retrieveConf)).toBe(true);
    expect(proxy.log.map((r) => r.outcome)).toEqual([404, 500, 200, 200, 502, 200]);
    expect(mmsc.requests.map((r) => r.answer)).toEqual([{ http: 404 }, { http: 500 }, { delayMs: 300 }, 'truncate', 'drop', 'ok']);
  });

  it('a dropped connection and a truncated body reach a client that talks to the MMSC directly as such', async () => {
    const { mmsc } = await rig();
    const held = mmsc.hold({ from: '+4790000001', to: '+4790000002', parts });
    mmsc.misbehaveNext('drop', 'truncate');
    await expect(new Promise((resolve, reject) => http.get(held.contentLocation, { agent: false }, resolve).on('error', reject))).rejects.toThrow(
      /socket hang up|ECONNRESET/,
    );
    const cut = await new Promise<{ complete: boolean; length: number }>((resolve, reject) =>
      http
        .get(held.contentLocation, { agent: false }, (res) => {
          let length = 0;
          res.on('data', (c: Buffer) => (length += c.length));
          res.on('error', () => {});
          res.on('close', () => resolve({ complete: res.complete, length }));
        })
        .on('error', reject),
    );
    expect(cut.complete).toBe(false);
    expect(cut.length).toBeLessThan(held.retrieveConf.length);
    expect(mmsc.requests.every((r) => !r.viaProxy)).toBe(true);
  });

  it('an expired MMS is answered with an m-retrieve-conf whose Retrieve-Status is Error-permanent-message-not-found; an unknown one with 404', async () => {
    const { mmsc, proxy } = await rig();
    const held = mmsc.hold({ from: '+4790000001', to: '+4790000002', parts });
    mmsc.expire(held.transactionId);
    const reply = await viaProxy(proxy, 'GET', held.contentLocation);
    expect(reply.status).toBe(200);
    const conf = decodeMms(reply.body);
    expect(conf).toMatchObject({ messageType: 'm-retrieve-conf', transactionId: held.transactionId, retrieveStatus: RETRIEVE_MESSAGE_NOT_FOUND });
    expect(conf.parts?.map((p) => p.data.toString())).toEqual(['The message has expired.\n']);
    expect(held.retrievals).toBe(0);
    expect((await viaProxy(proxy, 'GET', `http://127.0.0.1:${mmsc.port}/mms/nosuch`)).status).toBe(404);

    // Expiry given at hold time: zero seconds is expired at once.
    const gone = mmsc.hold({ from: '+4790000001', to: '+4790000002', parts, expirySeconds: 0 });
    expect(decodeMms((await viaProxy(proxy, 'GET', gone.contentLocation)).body).retrieveStatus).toBe(RETRIEVE_MESSAGE_NOT_FOUND);
  });

  it('a notification for an MMS the MMSC discarded: the push is valid, the GET gets 404', async () => {
    const { mmsc, proxy } = await rig();
    const held = mmsc.hold({ from: '+4790000001', to: '+4790000002', parts });
    mmsc.discard(held.transactionId);
    expect(parseWapPush(reassemble(mmsc.pushSms(held.notification).segments).data).body.equals(held.notification)).toBe(true);
    const reply = await viaProxy(proxy, 'GET', held.contentLocation);
    expect(reply.status).toBe(404);
    expect(mmsc.requests[0]).toMatchObject({ url: new URL(held.contentLocation).pathname, status: 404 });
  });

  for (const refuseWith of [502, 503, 'close'] as const) {
    it(`a refusing proxy (${refuseWith}) forwards nothing and logs the request`, async () => {
      const { mmsc, proxy } = await rig({ refuse: true, refuseWith });
      const held = mmsc.hold({ from: '+4790000001', to: '+4790000002', parts });
      const attempt = viaProxy(proxy, 'GET', held.contentLocation);
      if (refuseWith === 'close') await expect(attempt).rejects.toThrow(/socket hang up|ECONNRESET/);
      else expect((await attempt).status).toBe(refuseWith);
      expect(proxy.log).toHaveLength(1);
      expect(proxy.log[0]).toMatchObject({ method: 'GET', url: held.contentLocation, outcome: refuseWith === 'close' ? 'closed' : refuseWith });
      expect(mmsc.requests).toEqual([]);
    });
  }

  it('the proxy refuses a request that is not an absolute URI', async () => {
    const { proxy } = await rig();
    const reply = await viaProxy(proxy, 'GET', '/mms/x');
    expect(reply.status).toBe(400);
    expect(proxy.log[0]).toMatchObject({ url: '/mms/x', absolute: false, outcome: 400 });
  });
});

describe.skipIf(missingPeer('socat'))('MM1 simulator with the socat modem simulator', () => {
  it('the push SMS for a held MMS, delivered by the modem simulator, reach the push receiver; its content location, fetched through the proxy, gives the parts', async () => {
    const { mmsc, proxy } = await rig();
    const rigModem = await modemRig();
    const receiver = new WapPushReceiver();
    const outcomes: PushOutcome[] = [];
    const listener: NowsmsPlugin = {
      name: 'push-listener',
      needs: ['modem-sms'],
      setup(api) {
        api.service('modem-sms').onPortSms(WAP_PUSH_PORT, (sms) => void outcomes.push(receiver.fromPortSms(sms)));
      },
    };
    const gw = await gateway({ plugins: [modemPlugin('modem1', rigModem, { number: '+4790000002' }), listener] });
    await waitForState(gw, 'modem1', 'up');

    const held = mmsc.hold({ from: '+4790000001', to: '+4790000002', subject: 'y'.repeat(200), parts });
    const sms = mmsc.pushSms(held.notification);
    expect(sms.pdus.length).toBeGreaterThan(1);
    for (const p of [...sms.pdus].reverse()) rigModem.sim.deliverPdu(p.pdu);
    await waitFor('the push at the receiver', () => outcomes.length >= 1);
    const out = outcomes[0]!;
    if (out.kind !== 'mms') throw new Error(`an MMS push expected, got ${out.kind}`);
    expect(out.push.body.equals(held.notification)).toBe(true);

    const location = decodeMms(out.push.body).contentLocation!;
    const conf = decodeMms((await viaProxy(proxy, 'GET', location)).body);
    expect(conf.transactionId).toBe(held.transactionId);
    for (const [i, p] of parts.entries()) expect(conf.parts![i]!.data.equals(p.data)).toBe(true);
    expect(proxy.log.map((r) => r.url)).toEqual([location]);
  });
});
