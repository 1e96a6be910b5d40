// Through the real SMPP client: the SMSC simulator sends a WAP push as two deliver_sm with a user data
// header (UDHI, 8-bit data coding; 16-bit ports 9200 -> 2948 and an 8-bit concatenation reference,
// the layout 23.040 §9.2.3.24 gives), the second first and then again. The client joins them through
// core/reassembly and stores one binary message whose meta.sms keeps the ports; the receiver reads it.
import { afterEach, describe, expect, it } from 'vitest';
import { flushStaleSegments } from '../../../core/index.ts';
import { WapPushReceiver, isWapPushMessage } from '../../../plugins/gprs-mms/push/index.ts';
import { startHarness, waitFor, type Harness } from '../smpp/client/harness.ts';
import { mmsPush, notification, siPush } from './push-pdus.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const addresses = { source_addr_ton: 1, source_addr_npi: 1, source_addr: '447700900123', dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '15550002222' };

/** deliver_sm fields for one segment: UDH (concatenation 8-bit ref, then 16-bit ports) and the octets. */
function segment(ref: number, total: number, seq: number, octets: Buffer) {
  const udh = Buffer.from([0x0b, 0x00, 0x03, ref, total, seq, 0x05, 0x04, 0x0b, 0x84, 0x23, 0xf0]);
  return { ...addresses, esm_class: 0x40, data_coding: 0x04, short_message: Buffer.concat([udh, octets]) };
}

describe('WAP push through the SMPP client', () => {
  it('a concatenated push, out of order and repeated, is stored with its ports and read as one MMS push', async () => {
    h = await startHarness();
    const body = notification('pm-wap-notification-1');
    const data = mmsPush(body, 0x09);
    const halves = [data.subarray(0, 120), data.subarray(120)];
    expect(await h.sim.deliver(segment(0x7a, 2, 2, halves[1]!))).toBe(0);
    expect(await h.sim.deliver(segment(0x7a, 2, 1, halves[0]!))).toBe(0);
    expect(await h.sim.deliver(segment(0x7a, 2, 2, halves[1]!))).toBe(0);

    const [listed] = await waitFor('the MO', () => h!.gw.gateway.stores.messages.list({ direction: 'MO' }).then((l) => l.length === 1 && l));
    const m = (await h.gw.gateway.stores.messages.get(listed!.id))!;
    expect(m.meta.sms).toMatchObject({ ports: { source: 9200, destination: 2948 } });
    expect(m.parts.map((p) => p.contentType)).toEqual(['application/octet-stream']);
    expect(isWapPushMessage(m)).toBe(true);

    const receiver = new WapPushReceiver();
    const out = receiver.fromMessage(m);
    expect(out.kind).toBe('mms');
    if (out.kind !== 'mms') return;
    expect(out.push.tid).toBe(0x09);
    expect(out.push.body.equals(body)).toBe(true);
    expect(out.sms).toMatchObject({ from: '+447700900123', via: 'smsc' });

    // The repeat came after the push was whole: the client keeps it as the start of another message, which
    // the reassembly timeout delivers marked incomplete. It is no second push.
    const gwy = h.gw.gateway;
    const [stray] = await flushStaleSegments(gwy.stores, gwy.submit.bind(gwy), 0, 'smsc', new Date(Date.now() + 1000));
    const leftover = (await gwy.stores.messages.get(stray!.id))!;
    expect(leftover.meta).toMatchObject({ incomplete: true, missingSegments: [1] });
    expect(receiver.fromMessage(leftover).kind).toBe('incomplete');
    expect(receiver.counters).toEqual({ pushes: 2, mms: 1, notMms: 0, malformed: 0, incomplete: 1 });
  });

  it('a push whose ports come as source_port/destination_port TLVs (no UDH) is a push too', async () => {
    h = await startHarness();
    const body = notification('pm-wap-notification-2');
    expect(await h.sim.deliver({ ...addresses, data_coding: 0x04, short_message: mmsPush(body, 0x0c), source_port: 9200, dest_port: 2948 })).toBe(0);
    const [listed] = await waitFor('the MO', () => h!.gw.gateway.stores.messages.list({ direction: 'MO' }).then((l) => l.length === 1 && l));
    const m = (await h.gw.gateway.stores.messages.get(listed!.id))!;
    expect(m.meta.sms).toMatchObject({ ports: { source: 9200, destination: 2948 } });
    const out = new WapPushReceiver().fromMessage(m);
    expect(out.kind).toBe('mms');
    if (out.kind === 'mms') expect(out.push.body.equals(body)).toBe(true);
  });

  it('a single-segment SI push is stored as octets and counted as not MMS', async () => {
    h = await startHarness();
    const udh = Buffer.from([0x06, 0x05, 0x04, 0x0b, 0x84, 0x23, 0xf0]);
    expect(await h.sim.deliver({ ...addresses, esm_class: 0x40, data_coding: 0x04, short_message: Buffer.concat([udh, siPush()]) })).toBe(0);
    const [listed] = await waitFor('the MO', () => h!.gw.gateway.stores.messages.list({ direction: 'MO' }).then((l) => l.length === 1 && l));
    const m = (await h.gw.gateway.stores.messages.get(listed!.id))!;
    const receiver = new WapPushReceiver();
    expect(receiver.fromMessage(m).kind).toBe('not-mms');
    expect(receiver.counters.notMms).toBe(1);
  });
});
