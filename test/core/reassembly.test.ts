import { afterEach, describe, expect, it } from 'vitest';
import { acceptSegment, flushStaleSegments, segmentKey } from '../../core/reassembly.ts';
import type { Segment } from '../../core/types.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { textOf } from '../../core/text.ts';

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

function seg(seq: number, text: string, total = 3, at = new Date()): Segment {
  return {
    key: segmentKey('modem1', '+447700900123', 42, total),
    seq,
    total,
    receivedAt: at,
    from: '+447700900123',
    to: '+15550001111',
    via: 'modem1',
    part: { contentType: 'text/plain; charset=utf-8', data: Buffer.from(text) },
    meta: {},
  };
}

describe('reassembly', () => {
  it('submits the whole message once every segment is in, whatever their order, and keeps nothing behind', async () => {
    gw = await startTestGateway({ smtp: false, pop3: false, users: [{ name: 'bob', password: 'pw', recipients: ['+15550001111'] }] });
    const { stores } = gw.gateway;
    const submit = gw.gateway.submit.bind(gw.gateway);
    expect(await acceptSegment(stores, submit, seg(3, ' end.'))).toBeUndefined();
    expect(await acceptSegment(stores, submit, seg(1, 'Start, '))).toBeUndefined();
    expect(await acceptSegment(stores, submit, seg(1, 'Start, '))).toBeUndefined(); // a repeat changes nothing
    const accepted = await acceptSegment(stores, submit, seg(2, 'middle and'));
    expect(accepted?.target).toEqual({ kind: 'mailbox', user: 'bob' });
    const m = await stores.messages.get(accepted!.id);
    expect(textOf(m!)).toBe('Start, middle and end.');
    expect(m!.meta).toMatchObject({ segments: 3 });
    expect(await stores.segments.get(seg(1, '').key)).toEqual([]);
  });

  it('segments survive a restart, and a message still incomplete after the timeout is delivered marked incomplete', async () => {
    gw = await startTestGateway({ smtp: false, pop3: false, users: [{ name: 'bob', password: 'pw', recipients: ['+15550001111'] }] });
    const old = new Date(Date.now() - 60_000);
    await acceptSegment(gw.gateway.stores, gw.gateway.submit.bind(gw.gateway), seg(1, 'first part, ', 3, old));
    await acceptSegment(gw.gateway.stores, gw.gateway.submit.bind(gw.gateway), seg(3, 'third part', 3, old));
    const dataDir = gw.dataDir;
    await gw.stop();
    gw = await startTestGateway({ smtp: false, pop3: false, dataDir });
    const flushed = await flushStaleSegments(gw.gateway.stores, gw.gateway.submit.bind(gw.gateway), 30_000, 'modem1');
    expect(flushed).toHaveLength(1);
    const m = await gw.gateway.stores.messages.get(flushed[0]!.id);
    expect(textOf(m!)).toBe('first part, […]third part');
    expect(m!.meta).toMatchObject({ incomplete: true, missingSegments: [2] });
    expect(await flushStaleSegments(gw.gateway.stores, gw.gateway.submit.bind(gw.gateway), 30_000, 'modem1')).toEqual([]);
  });

  it("a connection's flush leaves other connections' segments alone", async () => {
    gw = await startTestGateway({ smtp: false, pop3: false, users: [{ name: 'bob', password: 'pw', recipients: ['+15550001111'] }] });
    const submit = gw.gateway.submit.bind(gw.gateway);
    const old = new Date(Date.now() - 60_000);
    const other = { ...seg(1, 'held by another link', 2, old), key: segmentKey('smsc', '+447700900123', 42, 2) };
    await acceptSegment(gw.gateway.stores, submit, other);
    expect(await flushStaleSegments(gw.gateway.stores, submit, 30_000, 'modem1')).toEqual([]);
    expect(await gw.gateway.stores.segments.get(other.key)).toHaveLength(1);
    expect(await flushStaleSegments(gw.gateway.stores, submit, 30_000, 'smsc')).toHaveLength(1);
  });
});

describe('routeTo', () => {
  it('sends everything a connection receives to its user, ahead of recipient addresses', async () => {
    gw = await startTestGateway({
      smtp: false,
      pop3: false,
      users: [
        { name: 'bob', password: 'pw', recipients: ['+15550001111'] },
        { name: 'desk', password: 'pw' },
      ],
    });
    const text = { contentType: 'text/plain; charset=utf-8', data: Buffer.from('hi') };
    const [a] = await gw.gateway.submit([{ direction: 'MO', kind: 'sms', from: '+447700900123', to: '+15550001111', parts: [text], routeTo: 'desk' }]);
    expect(a!.target).toEqual({ kind: 'mailbox', user: 'desk' });
    await expect(
      gw.gateway.submit([{ direction: 'MO', kind: 'sms', from: '+447700900123', to: '+15550001111', parts: [text], routeTo: 'nobody' }]),
    ).rejects.toMatchObject({
      code: 'NOWSMS_ERR_REJECTED',
      temporary: true,
    });
  });
});

describe('text parts', () => {
  it('are stored in UTF-8 whatever charset they came in', async () => {
    gw = await startTestGateway({ smtp: false, pop3: false, users: [{ name: 'bob', password: 'pw', recipients: ['+15550001111'] }] });
    const latin1 = Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0xe0, 0x20, 0x32, 0xa3]); // "Café à 2£" in ISO-8859-1
    const [a] = await gw.gateway.submit([
      { direction: 'MO', kind: 'sms', from: '+447700900123', to: '+15550001111', parts: [{ contentType: 'text/plain; charset=ISO-8859-1', data: latin1 }] },
    ]);
    const m = await gw.gateway.stores.messages.get(a!.id);
    expect(m!.parts[0]!.contentType).toBe('text/plain; charset=utf-8');
    expect(textOf(m!)).toBe('Café à 2£');
  });
});
