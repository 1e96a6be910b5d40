// message_payload at the sizes SMPP 3.4 allows (up to 64 KiB): over the gateway's segment limit it is a
// submit_sm_resp ESME_RINVMSGLEN on a session that stays bound; within a raised limit it is taken whole.
import smpp from 'smpp';
import { describe, expect, it } from 'vitest';
import { textOf } from '../../../../core/index.ts';
import { bind, gateway, textSubmit } from './fixtures.ts';

const payloadSubmit = (octets: number, char = 'x') =>
  textSubmit('', { short_message: Buffer.alloc(0), message_payload: Buffer.from(char.repeat(octets), 'latin1') });

describe('smpp server message_payload sizes', () => {
  it.each([
    ['2,000 characters', 2_000],
    ['60,000 octets', 60_000],
    ['65,535 octets', 65_535],
  ])('answers %s over sms.maxSegments with ESME_RINVMSGLEN and keeps the session bound', async (_what, octets) => {
    const g = await gateway();
    const c = await bind(g);
    const resp = await c.submit(payloadSubmit(octets));
    expect(resp.command_status).toBe(smpp.ESME_RINVMSGLEN);
    // The same session goes on: a normal submit right after is taken.
    const next = await c.submit(textSubmit('after the big one'));
    expect(next.command_status).toBe(0);
    expect(g.gateway.status()['smpp-server']?.counters).toMatchObject({ badPdus: 0, bound: 1 });
    expect(await g.gateway.stores.messages.list({ direction: 'MT' })).toHaveLength(1);
    expect(textOf((await g.gateway.stores.messages.get(String(next.message_id)))!)).toBe('after the big one');
  });

  it('takes a 20,000-character message_payload whole when sms.maxSegments allows it', async () => {
    const g = await gateway({}, { config: { sms: { maxSegments: 200 } } });
    const c = await bind(g);
    const text = 'Twenty thousand characters in one TLV. '.repeat(520).slice(0, 20_000);
    const resp = await c.submit(textSubmit('', { short_message: Buffer.alloc(0), message_payload: Buffer.from(text, 'latin1') }));
    expect(resp.command_status).toBe(0);
    const m = (await g.gateway.stores.messages.get(String(resp.message_id)))!;
    expect(textOf(m)).toBe(text);
    expect(m.meta.segments).toBe(Math.ceil(20_000 / 153));
  });
});
