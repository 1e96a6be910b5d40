// Fetching an announced MMS when the network misbehaves: the WAP proxy refusing, the MMSC answering 500,
// slowly, with half a body, 404 for an MMS that never arrives, an expired MMS, an MMS too big to take, a
// push for another application. What is asserted is what an operator and a user see: the push's status and
// history (every retry with its reason), alice's mailbox (each MMS once and whole, never a broken one), what
// the MMSC was told (m-notifyresp-ind / m-acknowledge-ind) and the connection's counters.
import { afterEach, describe, expect, it } from 'vitest';
import { decodeMms, encodeDeliver, encodeMms, type Message } from '../../../core/index.ts';
import { missingPeer } from '../../helpers/peers.ts';
import { cleanup, waitFor } from '../gsm-modem/rig.ts';
import { ALICE, JPEG, details, mmsRig, type MmsRig } from './mm1-rig.ts';
import { siPush } from './push-pdus.ts';

afterEach(cleanup);

const bare = (type: string) => type.split(';')[0]!.trim().toLowerCase();

/** The MMS as the phone sent it: its subject, text and picture, byte for byte. */
function expectWhole(m: Message, subject = 'Beach') {
  expect(m.kind).toBe('mms');
  expect(m.subject).toBe(subject);
  expect(m.parts.find((p) => bare(p.contentType) === 'text/plain')?.data.toString('utf8')).toBe('Sun and sand');
  expect(m.parts.find((p) => bare(p.contentType) === 'image/jpeg')?.data.equals(JPEG)).toBe(true);
}

/** What the MMSC was told about one MMS: `m-notifyresp-ind:<status>` or `m-acknowledge-ind`, in order. */
function told(rig: MmsRig, transactionId: string): string[] {
  return rig.mmsc.notifyResps
    .filter((n) => n.transactionId === transactionId)
    .map((n) => (n.messageType === 'm-notifyresp-ind' ? `${n.messageType}:${String(n.status)}` : n.messageType));
}

async function retries(rig: MmsRig, n: number, push = 1) {
  return waitFor(`${n} retries of push ${push}`, async () => {
    const p = (await rig.pushes())[push - 1];
    return p && p.history.filter((h) => h.status === 'retrying').length >= n ? p : undefined;
  });
}

describe.skipIf(missingPeer('socat'))('gprs-mms: fetching an MMS when the network misbehaves', () => {
  it('the WAP proxy refusing (503, then closing the connection) and recovering: fetched and stored once, each retry in the history with its reason', async () => {
    const rig = await mmsRig({ proxy: { refuse: true } });
    const held = rig.hold();
    rig.push(held);
    await retries(rig, 1);
    rig.proxy.refuseWith = 'close';
    await retries(rig, 2);
    rig.proxy.refuse = false;
    const push = await rig.settled();

    expect(push.status).toBe('sent');
    const retried = details(push, 'retrying');
    expect(retried[0]).toMatch(/HTTP 503/);
    expect(retried[0]).toContain(held.contentLocation);
    expect(retried.some((d) => /cannot reach the WAP proxy 127\.0\.0\.1:\d+/.test(d))).toBe(true);
    expect(retried.every((d) => /trying again until \d{4}-/.test(d))).toBe(true);
    expect(rig.proxy.log.some((l) => l.outcome === 503)).toBe(true);
    expect(rig.proxy.log.some((l) => l.outcome === 'closed')).toBe(true);

    expect(held.retrievals).toBe(1);
    const [mms, ...more] = await rig.mailbox('alice');
    expect(more).toHaveLength(0);
    expectWhole(mms!);
    expect(await rig.mailbox('bob')).toHaveLength(0);
    // The deferred notify-response went nowhere (the proxy refused it too); the retrieval is acknowledged.
    await rig.mmsc.waitFor(() => told(rig, held.transactionId).length > 0, 'the acknowledgement');
    expect(told(rig, held.transactionId)).toEqual(['m-acknowledge-ind']);
    expect(rig.counters()).toMatchObject({ retrieved: 1, retrieveFailed: 0, pushes: 1, pushMms: 1 });
  });

  it('MMSC 500 once, a slow answer past timeoutSeconds, half a body: each MMS stored once and whole; the MMSC told deferred, then acknowledged', async () => {
    const rig = await mmsRig();
    const faults = [
      { answer: { http: 500 }, reason: /HTTP 500/ },
      { answer: { delayMs: 4000 }, reason: /no answer from the WAP proxy 127\.0\.0\.1:\d+ within 2 s/ },
      { answer: 'truncate' as const, reason: /cut short after \d+ octets/ },
    ];
    const helds = [];
    for (const [i, f] of faults.entries()) {
      const held = rig.hold({ subject: `Beach ${i}` });
      helds.push(held);
      // The GET misbehaves; the deferred notify-response after it, and everything later, is answered.
      rig.mmsc.misbehaveNext(f.answer);
      rig.push(held);
      const push = await rig.settled(i + 1);
      expect(push.status).toBe('sent');
      const retried = details(push, 'retrying');
      expect(retried).toHaveLength(1);
      expect(retried[0]).toMatch(f.reason);
      expect(details(push, 'sent')[0]).toMatch(/fetched \d+ octets, stored as \S+; the MMSC was told \(retrieved\)/);
      await rig.mmsc.waitFor(() => told(rig, held.transactionId).length === 2, 'the deferred notify-response and the acknowledgement');
      expect(told(rig, held.transactionId)).toEqual(['m-notifyresp-ind:deferred', 'm-acknowledge-ind']);
    }
    const box = await rig.mailbox('alice');
    expect(box.map((m) => m.subject)).toEqual(['Beach 0', 'Beach 1', 'Beach 2']);
    for (const [i, m] of box.entries()) expectWhole(m, `Beach ${i}`);
    expect((await rig.received()).map((m) => m.status)).toEqual(['in-mailbox', 'in-mailbox', 'in-mailbox']);
    expect(rig.counters()).toMatchObject({ retrieved: 3, retrieveFailed: 0, pushMms: 3 });
  });

  it('a push for an MMS that never arrives (404): failed after 3 tries naming the answer, the MMSC told rejected, nothing stored', async () => {
    const rig = await mmsRig();
    const held = rig.hold();
    rig.mmsc.discard(held.transactionId);
    rig.push(held);
    const push = await rig.settled();

    expect(push.status).toBe('failed');
    expect(details(push, 'retrying')).toHaveLength(2);
    expect(details(push, 'failed')[0]).toMatch(/the MMSC does not have the MMS http:\/\/\S+ from \+4790000001 \(HTTP 404\), 3 times/);
    expect(rig.mmsc.requests.filter((r) => r.method === 'GET')).toHaveLength(3);
    await rig.mmsc.waitFor(() => told(rig, held.transactionId).length === 2, 'the rejection');
    expect(told(rig, held.transactionId)).toEqual(['m-notifyresp-ind:deferred', 'm-notifyresp-ind:rejected']);
    expect(await rig.received()).toHaveLength(0);
    expect(await rig.mailbox('alice')).toHaveLength(0);
    expect(await rig.mailbox('bob')).toHaveLength(0);
    expect(rig.counters()).toMatchObject({ retrieved: 0, retrieveFailed: 1, pushMms: 1 });
  });

  it('an expired MMS (Retrieve-Status 0xE2) fails at once; one whose expiry passes while the MMSC answers 500 fails "expired"', async () => {
    const rig = await mmsRig();
    const gone = rig.hold();
    rig.mmsc.expire(gone.transactionId);
    rig.push(gone);
    const first = await rig.settled(1);
    expect(first.status).toBe('failed');
    expect(details(first, 'retrying')).toEqual([]);
    expect(details(first, 'failed')[0]).toMatch(/X-Mms-Retrieve-Status 0xe2 \(Message expired\)/);
    expect(rig.mmsc.requests.filter((r) => r.method === 'GET')).toHaveLength(1);

    const brief = rig.hold({ expirySeconds: 2 });
    rig.mmsc.options.answer = (r) => (r.method === 'GET' ? { http: 500 } : undefined);
    rig.push(brief);
    const second = await rig.settled(2);
    expect(second.status).toBe('failed');
    expect(details(second, 'retrying').length).toBeGreaterThanOrEqual(1);
    expect(details(second, 'retrying').every((d) => /HTTP 500/.test(d))).toBe(true);
    expect(details(second, 'failed')[0]).toMatch(/^failed: expired: the MMS http:\/\/\S+ from \+4790000001 was to be fetched by \d{4}-/);
    expect(await rig.received()).toHaveLength(0);
    expect(await rig.mailbox('alice')).toHaveLength(0);
    expect(rig.counters()).toMatchObject({ retrieved: 0, retrieveFailed: 2 });
  });

  it('an MMS larger than maxRetrieveBytes is refused, whether its notification says so or only its answer does; the MMSC told rejected', async () => {
    const rig = await mmsRig({ plugin: { maxRetrieveBytes: 600 } });
    const big = rig.hold();
    rig.push(big);
    const first = await rig.settled(1);
    expect(first.status).toBe('failed');
    expect(details(first, 'failed')[0]).toMatch(/the MMS http:\/\/\S+ from \+4790000001 is larger than maxRetrieveBytes \(600\)/);
    // The notification gave its size: not even fetched.
    expect(rig.mmsc.requests.filter((r) => r.method === 'GET')).toHaveLength(0);
    await rig.mmsc.waitFor(() => told(rig, big.transactionId).length === 1, 'the rejection');
    expect(told(rig, big.transactionId)).toEqual(['m-notifyresp-ind:rejected']);

    // A notification that understates the size: the answer is cut off at the limit.
    const sly = rig.hold();
    const n = decodeMms(sly.notification);
    rig.push(encodeMms({ ...n, messageType: 'm-notification-ind', messageSize: 100, contentLocation: n.contentLocation!, transactionId: n.transactionId! }));
    const second = await rig.settled(2);
    expect(second.status).toBe('failed');
    expect(details(second, 'failed')[0]).toMatch(/larger than maxRetrieveBytes \(600\)/);
    expect(rig.mmsc.requests.filter((r) => r.method === 'GET')).toHaveLength(1);
    await rig.mmsc.waitFor(() => told(rig, sly.transactionId).length === 1, 'the rejection');
    expect(told(rig, sly.transactionId)).toEqual(['m-notifyresp-ind:rejected']);
    expect(await rig.mailbox('alice')).toHaveLength(0);
    expect(rig.counters()).toMatchObject({ retrieveFailed: 2 });
  });

  it('a deferred retrieval whose m-retrieve-conf asks for no acknowledgement (no Transaction-ID) ends with the deferred notify-response alone', async () => {
    const rig = await mmsRig();
    const held = rig.mmsc.hold({
      from: '+4790000001',
      to: '+15550001111',
      subject: 'Beach',
      acknowledge: false,
      parts: [
        { contentType: 'text/plain; charset=utf-8', data: Buffer.from('Sun and sand') },
        { contentType: 'image/jpeg', data: JPEG },
      ],
    });
    rig.mmsc.misbehaveNext({ http: 500 });
    rig.push(held);
    const push = await rig.settled();
    expect(push.status).toBe('sent');
    expect(details(push, 'sent')[0]).toMatch(/the MMSC asked for no acknowledgement/);
    expect(told(rig, held.transactionId)).toEqual(['m-notifyresp-ind:deferred']);
    expect(rig.mmsc.notifyResps).toHaveLength(1);
    const [mms] = await rig.mailbox('alice');
    expectWhole(mms!);
  });

  it('the same notification pushed again (the MMSC announcing it twice): stored once, both pushes done, the MMSC told each time', async () => {
    const rig = await mmsRig();
    const held = rig.hold();
    rig.push(held);
    expect((await rig.settled(1)).status).toBe('sent');
    // Another push (a new WSP transaction, so another SMS) for the same notification.
    rig.push(held, { tid: 2 });
    const again = await rig.settled(2);
    expect(again.status).toBe('sent');
    expect(details(again, 'sent')[0]).toMatch(/\(already stored\); the MMSC was told \(retrieved\)/);
    expect(await rig.mailbox('alice')).toHaveLength(1);
    expect(await rig.received()).toHaveLength(1);
    await rig.mmsc.waitFor(() => told(rig, held.transactionId).length === 2, 'two notify-responses');
    expect(told(rig, held.transactionId)).toEqual(['m-notifyresp-ind:retrieved', 'm-notifyresp-ind:retrieved']);
  });

  it('a gateway stopped mid-fetch tells the MMSC nothing and fetches the MMS after its restart, as if the first try never happened', async () => {
    const rig = await mmsRig({ plugin: { timeoutSeconds: 30 } });
    const held = rig.hold();
    rig.mmsc.misbehaveNext({ delayMs: 30_000 });
    rig.push(held);
    await rig.mmsc.waitFor(() => rig.mmsc.requests.some((r) => r.method === 'GET'), 'the GET');
    await rig.restart();
    const push = await rig.settled();
    expect(push.status).toBe('sent');
    expect(details(push, 'retrying')).toEqual(['retrying: gateway stopped during send']);
    expect(details(push, 'sent')[0]).toMatch(/the MMSC was told \(retrieved\)/);
    await rig.mmsc.waitFor(() => told(rig, held.transactionId).length > 0, 'the notify-response');
    expect(told(rig, held.transactionId)).toEqual(['m-notifyresp-ind:retrieved']);
    expect(rig.mmsc.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    const [mms, ...more] = await rig.mailbox('alice');
    expect(more).toHaveLength(0);
    expectWhole(mms!);
  });

  it('a Service Indication push is ignored and bytes that are no push fail: the push says so, nobody gets it, the counters count it', async () => {
    const rig = await mmsRig();
    const [si] = encodeDeliver({ from: '+6245', data: siPush(), ports: { source: 9200, destination: 2948 } });
    rig.modem.sim.deliverPdu(si!.pdu);
    const push = await rig.settled();
    expect(push.status).toBe('sent');
    expect(push.target).toEqual({ kind: 'connection', id: 'modem1-mms' });
    expect(details(push, 'sent')).toEqual(['sent: ignored: a WAP push for x-wap-application:wml.ua, not MMS']);
    expect(await rig.mailbox(ALICE.name)).toHaveLength(0);
    expect(await rig.mailbox('bob')).toHaveLength(0);
    expect(await rig.received()).toHaveLength(0);
    expect(rig.mmsc.requests).toHaveLength(0);
    expect(rig.counters()).toMatchObject({ pushes: 1, pushNotMms: 1, pushMms: 0, ignored: 1, retrieved: 0 });

    // Bytes to the push port that are no WSP push: failed, with where they stopped being one.
    const [junk] = encodeDeliver({ from: '+6245', data: Buffer.from([0x01, 0x06, 0x7f, 0xbe]), ports: { source: 9200, destination: 2948 } });
    rig.modem.sim.deliverPdu(junk!.pdu);
    const bad = await rig.settled(2);
    expect(bad.status).toBe('failed');
    expect(details(bad, 'failed')[0]).toMatch(/^failed: not a WAP push: .+ \(offset \d+\)$/);
    expect(await rig.mailbox('bob')).toHaveLength(0);
    expect(rig.counters()).toMatchObject({ pushes: 2, pushMalformed: 1, ignored: 1 });
  });
});
