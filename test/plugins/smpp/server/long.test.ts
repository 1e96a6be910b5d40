// Long submits in each of SMPP's three forms, reassembled durably into one message.
import { describe, expect, it } from 'vitest';
import { textOf } from '../../../../core/index.ts';
import { bind, BOB, gateway, textSubmit } from './fixtures.ts';

const PARTS = ['The first part of a long message, ', 'then the second part, ', 'and the third and last one.'];

function udh8(ref: number, total: number, seq: number): Buffer {
  return Buffer.from([0x05, 0x00, 0x03, ref, total, seq]);
}

function udh16(ref: number, total: number, seq: number): Buffer {
  return Buffer.from([0x06, 0x08, 0x04, ref >> 8, ref & 0xff, total, seq]);
}

describe('smpp server long submits', () => {
  it.each([
    ['UDH with an 8-bit reference', (i: number) => ({ esm_class: 0x40, short_message: Buffer.concat([udh8(42, 3, i + 1), Buffer.from(PARTS[i]!, 'latin1')]) })],
    [
      'UDH with a 16-bit reference',
      (i: number) => ({ esm_class: 0x40, short_message: Buffer.concat([udh16(4242, 3, i + 1), Buffer.from(PARTS[i]!, 'latin1')]) }),
    ],
    ['SAR TLVs', (i: number) => ({ short_message: Buffer.from(PARTS[i]!, 'latin1'), sar_msg_ref_num: 7, sar_total_segments: 3, sar_segment_seqnum: i + 1 })],
  ])('joins %s, in any order, into one message', async (_form, segment) => {
    const g = await gateway();
    const c = await bind(g);
    // Out of order on purpose: 3, 1, 2.
    const answers = [];
    for (const i of [2, 0, 1]) answers.push(await c.submit(textSubmit('', segment(i))));
    expect(answers.map((a) => a.command_status)).toEqual([0, 0, 0]);
    const ids = answers.map((a) => String(a.message_id));
    expect(new Set(ids).size).toBe(3);
    const mt = await g.gateway.stores.messages.list({ direction: 'MT' });
    expect(mt).toHaveLength(1);
    // The segment that completed the message is answered with the message's id.
    expect(mt[0]!.id).toBe(ids[2]);
    const m = (await g.gateway.stores.messages.get(ids[2]!))!;
    expect(textOf(m)).toBe(PARTS.join(''));
    expect(m).toMatchObject({ user: 'alice', via: 'smpp-server', direction: 'MT' });
    // The other answers' ids stay with the message, so that each submit gets its receipt.
    expect(new Set(m.meta.smppSegmentIds as string[])).toEqual(new Set(ids.slice(0, 2)));
    expect(await g.gateway.stores.segments.get(`smpp-server|alice|${m.from}|${m.to}|${_form === 'SAR TLVs' ? 7 : _form.includes('16') ? 4242 : 42}|3`)).toEqual(
      [],
    );
  });

  it('takes a whole long text in message_payload', async () => {
    const g = await gateway();
    const c = await bind(g);
    const text = 'A long text in one message payload TLV. '.repeat(10);
    const r = await c.submit(textSubmit('', { short_message: Buffer.alloc(0), message_payload: Buffer.from(text, 'latin1') }));
    expect(r.command_status).toBe(0);
    const m = (await g.gateway.stores.messages.get(String(r.message_id)))!;
    expect(textOf(m)).toBe(text);
    expect(m.meta.segments).toBe(3);
  });

  it('keeps two users’ segments apart even with the same reference and addresses', async () => {
    const g = await gateway();
    const a = await bind(g);
    const b = await bind(g, 'bind_transceiver', BOB);
    const seg = (who: string, seq: number) =>
      textSubmit('', { esm_class: 0x40, short_message: Buffer.concat([udh8(9, 2, seq), Buffer.from(`${who}${seq} `, 'latin1')]) });
    await a.submit(seg('alice', 1));
    await b.submit(seg('bob', 1));
    const ra = await a.submit(seg('alice', 2));
    const rb = await b.submit(seg('bob', 2));
    expect(textOf((await g.gateway.stores.messages.get(String(ra.message_id)))!)).toBe('alice1 alice2 ');
    expect(textOf((await g.gateway.stores.messages.get(String(rb.message_id)))!)).toBe('bob1 bob2 ');
  });

  it('commits a long submit whose last segment never comes, marked incomplete, after the timeout', async () => {
    const g = await gateway({ segmentTimeoutSeconds: 0.2 });
    const c = await bind(g);
    const first = await c.submit(
      textSubmit('', { esm_class: 0x40, short_message: Buffer.concat([udh8(5, 2, 1), Buffer.from('only the first half', 'latin1')]) }),
    );
    expect(first.command_status).toBe(0);
    let mt = await g.gateway.stores.messages.list({ direction: 'MT' });
    for (let i = 0; i < 100 && mt.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      mt = await g.gateway.stores.messages.list({ direction: 'MT' });
    }
    expect(mt).toHaveLength(1);
    const m = (await g.gateway.stores.messages.get(mt[0]!.id))!;
    expect(m.meta).toMatchObject({ incomplete: true, missingSegments: [2], smppSegmentIds: [first.message_id], smppMessageIdGiven: false });
    expect(textOf(m)).toBe('only the first half[…]');
  });
});
