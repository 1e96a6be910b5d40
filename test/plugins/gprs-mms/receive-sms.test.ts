// From SMS-DELIVER PDUs to WAP pushes, the way the modem takes them: real PDUs from the core codec (ports
// 9200 -> 2948, 8-bit or 16-bit concatenation references), decoded by the modem's own decoder, joined by
// core/reassembly in the real SQLite segment store (out of order, a repeated segment, a push whose last
// segment never comes), then handed to the push receiver as the stored message.
import { afterEach, describe, expect, it } from 'vitest';
import { acceptSegment, encodeDeliver, flushStaleSegments, segmentKey, type Accepted, type Message, type Segment } from '../../../core/index.ts';
import { WapPushReceiver, isWapPushMessage } from '../../../plugins/gprs-mms/push/index.ts';
import { decodeInbound, type InboundDeliver } from '../../../plugins/gsm-modem/sms/inbound.ts';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import { mmsPush, notification, push, short, siPush, text, APP_ID_MMS, CT_MMS } from './push-pdus.ts';

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

const PHONE = '+447700900123';
const MODEM = '+15550001111';
const WAP_PORTS = { source: 9200, destination: 2948 };

/** SMS-DELIVER PDUs carrying `data`, decoded back as the modem decodes what it reads off the SIM. */
function delivered(data: Buffer, opts: { concat16?: boolean; ports?: { source: number; destination: number; bits?: 8 | 16 } } = {}): InboundDeliver[] {
  const pdus = encodeDeliver({
    from: PHONE,
    data,
    ports: opts.ports ?? WAP_PORTS,
    concatRef: opts.concat16 ? 0xbeef : 0x5c,
    ...(opts.concat16 ? { concat16: true } : {}),
  });
  return pdus.map(({ pdu, tpduLength }) => {
    const inbound = decodeInbound(pdu, tpduLength, 0);
    if (inbound.kind !== 'deliver') throw new Error(`not a deliver: ${inbound.kind}`);
    return inbound;
  });
}

function segmentOf(m: InboundDeliver, receivedAt = new Date()): Segment {
  const c = m.concat!;
  return {
    key: segmentKey('modem1', PHONE, c.ref, c.total),
    seq: c.seq,
    total: c.total,
    receivedAt,
    from: PHONE,
    to: MODEM,
    via: 'modem1',
    part: { contentType: m.contentType, data: m.data },
    meta: { sms: m.sms },
  };
}

async function start(): Promise<TestGateway> {
  gw = await startTestGateway({ smtp: false, pop3: false, users: [{ name: 'alice', password: 'pw', recipients: [MODEM] }] });
  return gw;
}

async function stored(g: TestGateway, accepted: Accepted | undefined): Promise<Message> {
  expect(accepted).toBeDefined();
  return (await g.gateway.stores.messages.get(accepted!.id))!;
}

/** A push long enough for three segments: an MMS push with an X-Wap-Initiator-URI header ahead of the notification. */
function longMmsPush(): Buffer {
  const initiator = Buffer.concat([Buffer.from([0xb7]), text(`http://mmsc.example/${'n'.repeat(120)}`)]);
  return push({ tid: 0x11, contentType: CT_MMS, headers: [APP_ID_MMS, initiator], body: notification('pm-wap-notification-2') });
}

describe('WAP push from SMS-DELIVER PDUs, joined by core/reassembly', () => {
  it('a single-SMS push is an MMS push with its m-notification-ind', async () => {
    const g = await start();
    const body = Buffer.from(notification('pm-wap-notification-1').subarray(0, 100));
    const [sms, ...rest] = delivered(mmsPush(body));
    expect(rest).toHaveLength(0);
    expect(sms!.concat).toBeUndefined();
    const [accepted] = await g.gateway.submit([
      {
        direction: 'MO',
        kind: 'sms',
        from: PHONE,
        to: MODEM,
        via: 'modem1',
        parts: [{ contentType: sms!.contentType, data: sms!.data }],
        meta: { sms: sms!.sms },
      },
    ]);
    const m = await stored(g, accepted);
    expect(isWapPushMessage(m)).toBe(true);
    const receiver = new WapPushReceiver();
    const out = receiver.fromMessage(m);
    expect(out.kind).toBe('mms');
    if (out.kind !== 'mms') return;
    expect(out.push.tid).toBe(0x42);
    expect(out.push.body.equals(body)).toBe(true);
    expect(out.sms).toMatchObject({ from: PHONE, to: MODEM, via: 'modem1', messageId: m.id });
    expect(receiver.counters).toEqual({ pushes: 1, mms: 1, notMms: 0, malformed: 0, incomplete: 0 });
  });

  it.each([
    ['8-bit', false],
    ['16-bit', true],
  ])('three segments with %s concatenation references, out of order and one repeated, make one MMS push', async (_bits, concat16) => {
    const g = await start();
    const data = longMmsPush();
    const segments = delivered(data, { concat16 });
    expect(segments).toHaveLength(3);
    for (const s of segments) expect(s.sms.ports).toEqual(WAP_PORTS);
    expect(segments.map((s) => s.concat)).toEqual([1, 2, 3].map((seq) => ({ ref: concat16 ? 0xbeef : 0x5c, total: 3, seq })));

    const submit = g.gateway.submit.bind(g.gateway);
    const [first, second, third] = segments.map((s) => segmentOf(s));
    expect(await acceptSegment(g.gateway.stores, submit, third!)).toBeUndefined();
    expect(await acceptSegment(g.gateway.stores, submit, first!)).toBeUndefined();
    expect(await acceptSegment(g.gateway.stores, submit, third!)).toBeUndefined();
    const m = await stored(g, await acceptSegment(g.gateway.stores, submit, second!));

    expect(m.parts[0]!.data.equals(data)).toBe(true);
    const receiver = new WapPushReceiver();
    const out = receiver.fromMessage(m);
    expect(out.kind).toBe('mms');
    if (out.kind !== 'mms') return;
    expect(out.push.tid).toBe(0x11);
    expect(out.push.body.equals(notification('pm-wap-notification-2'))).toBe(true);
    expect(receiver.counters.mms).toBe(1);
  });

  it('a push whose last segment never came is dropped after the reassembly timeout, and counted', async () => {
    const g = await start();
    const segments = delivered(longMmsPush());
    const old = new Date(Date.now() - 60_000);
    const submit = g.gateway.submit.bind(g.gateway);
    await acceptSegment(g.gateway.stores, submit, segmentOf(segments[0]!, old));
    await acceptSegment(g.gateway.stores, submit, segmentOf(segments[1]!, old));
    const [flushed] = await flushStaleSegments(g.gateway.stores, submit, 30_000, 'modem1');
    const m = await stored(g, flushed);
    expect(m.meta).toMatchObject({ incomplete: true, missingSegments: [3] });
    const receiver = new WapPushReceiver();
    expect(receiver.fromMessage(m).kind).toBe('incomplete');
    expect(receiver.counters).toEqual({ pushes: 1, mms: 0, notMms: 0, malformed: 0, incomplete: 1 });
  });

  it('a Service Indication push is counted and ignored; the connection kept it as octets, not as text', async () => {
    const g = await start();
    const [sms] = delivered(siPush());
    const [accepted] = await g.gateway.submit([
      {
        direction: 'MO',
        kind: 'sms',
        from: PHONE,
        to: MODEM,
        via: 'modem1',
        parts: [{ contentType: sms!.contentType, data: sms!.data }],
        meta: { sms: sms!.sms },
      },
    ]);
    const m = await stored(g, accepted);
    expect(m.parts.map((p) => p.contentType)).toEqual(['application/octet-stream']);
    const receiver = new WapPushReceiver();
    const out = receiver.fromMessage(m);
    expect(out.kind).toBe('not-mms');
    if (out.kind === 'not-mms') expect(out.push.contentType).toBe('application/vnd.wap.sic');
    expect(receiver.counters).toEqual({ pushes: 1, mms: 0, notMms: 1, malformed: 0, incomplete: 0 });
  });

  it('8-bit application ports, or another 16-bit port, are not the WAP push port: left alone, not counted', () => {
    const receiver = new WapPushReceiver();
    for (const ports of [
      { source: 0xf0, destination: 0xf5, bits: 8 as const },
      { source: 9200, destination: 2949 },
    ]) {
      const [sms] = delivered(mmsPush(notification('pm-wap-notification-1').subarray(0, 60)), { ports });
      expect(sms!.sms.ports).toMatchObject({ destination: ports.destination });
      expect(receiver.take({ from: PHONE, to: MODEM, data: sms!.data, sms: sms!.sms }).kind).toBe('not-push');
    }
    expect(receiver.counters.pushes).toBe(0);
  });

  it('damaged bytes on the push port are counted as malformed, with the offset', () => {
    const receiver = new WapPushReceiver();
    const [sms] = delivered(Buffer.from([0x01, 0x06, 0x30, 0xbe, 0xaf, 0x84]));
    const out = receiver.take({ from: PHONE, to: MODEM, data: sms!.data, sms: sms!.sms });
    expect(out.kind).toBe('malformed');
    if (out.kind === 'malformed') expect(out.error).toMatchObject({ code: 'NOWSMS_ERR_WAP_PUSH', offset: 3 });
    // An MMS push with nothing after its headers carries no notification.
    const empty = receiver.take({ from: PHONE, to: MODEM, data: push({ contentType: short(0x3e) }), sms: { ports: WAP_PORTS } });
    expect(empty.kind).toBe('malformed');
    expect(receiver.counters).toEqual({ pushes: 2, mms: 0, notMms: 0, malformed: 2, incomplete: 0 });
  });
});
