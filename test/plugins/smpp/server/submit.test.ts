// submit_sm: committed before it is answered, with the stored message's id; what is refused and how.
import smpp from 'smpp';
import { describe, expect, it } from 'vitest';
import { textOf } from '../../../../core/index.ts';
import { ALICE, bind, BOB, ERIN, gateway, PHONE, textSubmit } from './fixtures.ts';

describe('smpp server submit_sm', () => {
  it('commits the message, then answers with the id it was stored under', async () => {
    const g = await gateway();
    const c = await bind(g);
    const resp = await c.submit(textSubmit('Hello from SMPP', { registered_delivery: 1 }));
    expect(resp.command_status).toBe(0);
    const id = String(resp.message_id);
    const m = await g.gateway.stores.messages.get(id);
    expect(m).toMatchObject({ id, direction: 'MT', kind: 'sms', from: ALICE.recipients[0], to: PHONE, user: 'alice', via: 'smpp-server' });
    expect(textOf(m!)).toBe('Hello from SMPP');
    expect(m!.meta.sms).toEqual({ coding: 'gsm7', receipt: 'final' });
    // No connection carries it in this gateway: it waits, visible, as the core says.
    expect((await g.gateway.stores.messages.summary(id))?.status).toBe('no-route');
    expect(g.gateway.status()['smpp-server']?.counters.submitted).toBe(1);
  });

  it('uses the forced sender whatever the client submits', async () => {
    const g = await gateway();
    const c = await bind(g, 'bind_transmitter', ERIN);
    const resp = await c.submit(textSubmit('forced', { source_addr: 'SPOOF', source_addr_ton: 5 }));
    expect((await g.gateway.stores.messages.get(String(resp.message_id)))?.from).toBe(ERIN.forcedSender);
  });

  it("keeps an alphanumeric sender, and falls back to the user's number when none is given", async () => {
    const g = await gateway();
    const c = await bind(g);
    const alpha = await c.submit(textSubmit('alpha', { source_addr: 'ACME', source_addr_ton: 5, source_addr_npi: 0 }));
    expect((await g.gateway.stores.messages.get(String(alpha.message_id)))?.from).toBe('ACME');
    const none = await c.submit(textSubmit('none', { source_addr: '', source_addr_ton: 0 }));
    expect((await g.gateway.stores.messages.get(String(none.message_id)))?.from).toBe(ALICE.recipients[0]);
  });

  it('reads UCS-2, Latin-1 and IA5 texts and keeps binary data with its data_coding', async () => {
    const g = await gateway();
    const c = await bind(g);
    const text = async (fields: Record<string, unknown>) => {
      const r = await c.submit(textSubmit('', fields));
      expect(r.command_status).toBe(0);
      return (await g.gateway.stores.messages.get(String(r.message_id)))!;
    };
    expect(textOf(await text({ data_coding: 8, short_message: Buffer.from('Привет 👋', 'utf16le').swap16() }))).toBe('Привет 👋');
    expect(textOf(await text({ data_coding: 3, short_message: Buffer.from('café ñ', 'latin1') }))).toBe('café ñ');
    expect(textOf(await text({ data_coding: 1, short_message: Buffer.from('plain ascii', 'latin1') }))).toBe('plain ascii');
    // GSM 7-bit unpacked: 0x00 is '@', 0x1B 0x65 is '€'.
    expect(textOf(await text({ data_coding: 0, short_message: Buffer.from([0x00, 0x20, 0x1b, 0x65]) }))).toBe('@ €');
    const bin = await text({ data_coding: 4, short_message: Buffer.from([0xde, 0xad, 0xbe, 0xef]) });
    expect(bin.parts[0]).toMatchObject({ contentType: 'application/octet-stream', data: Buffer.from([0xde, 0xad, 0xbe, 0xef]) });
    expect(bin.meta.sms).toEqual({ coding: '8bit' });
    // A binary message with its own UDH (a port address): the octets after it, the ports in meta.sms.
    const udh = Buffer.from([0x06, 0x05, 0x04, 0x0b, 0x84, 0x23, 0xf0]);
    const ported = await text({ data_coding: 4, esm_class: 0x40, short_message: Buffer.concat([udh, Buffer.from([1, 2, 3])]) });
    expect(ported.parts[0]!.data).toEqual(Buffer.from([1, 2, 3]));
    expect(ported.meta.sms).toEqual({ coding: '8bit', ports: { source: 9200, destination: 2948 } });
  });

  it('routes a submit to a number of another user into that user’s mailbox', async () => {
    const g = await gateway();
    const c = await bind(g);
    const r = await c.submit(textSubmit('to bob', { destination_addr: BOB.recipients[0]!.slice(1) }));
    expect((await g.gateway.stores.messages.summary(String(r.message_id)))?.status).toBe('in-mailbox');
    expect((await g.gateway.stores.mailboxes.list('bob')).map((e) => e.messageId)).toEqual([r.message_id]);
  });

  it.each([
    ['an empty destination', { destination_addr: '' }, smpp.ESME_RINVDSTADR],
    ['a destination that is not a number', { destination_addr: 'hello', dest_addr_ton: 5 }, smpp.ESME_RINVDSTADR],
    ['a destination longer than 20 octets', { destination_addr: '1'.repeat(21) }, smpp.ESME_RINVDSTADR],
    ['a malformed source', { source_addr: '+-+', source_addr_ton: 0 }, smpp.ESME_RINVSRCADR],
    ['a reserved data_coding', { data_coding: 0x0b }, 0x0104],
    ['UCS-2 of an odd length', { data_coding: 8, short_message: Buffer.from([0x00, 0x41, 0x00]) }, smpp.ESME_RINVMSGLEN],
    ['both short_message and message_payload', { message_payload: Buffer.from('more') }, smpp.ESME_RINVMSGLEN],
    ['a UDH longer than the message', { esm_class: 0x40, short_message: Buffer.from([0x09, 0x00, 0x03, 1]) }, smpp.ESME_RINVMSGLEN],
    ['a delivery-acknowledgement esm_class', { esm_class: 0x08 }, smpp.ESME_RINVESMCLASS],
    ['registered_delivery 3', { registered_delivery: 3 }, smpp.ESME_RINVREGDLVFLG],
    ['a text longer than sms.maxSegments', { message_payload: Buffer.from('x'.repeat(2000)), short_message: Buffer.alloc(0) }, smpp.ESME_RINVMSGLEN],
  ])('refuses %s', async (_what, fields, status) => {
    const g = await gateway();
    const c = await bind(g);
    const resp = await c.submit(textSubmit('hello', fields));
    expect(resp.command_status).toBe(status);
    expect(await g.gateway.stores.messages.list({ direction: 'MT' })).toEqual([]);
  });

  it('answers a user over a limit with ESME_RSUBMITFAIL and stores nothing', async () => {
    const g = await gateway({}, { users: [{ ...ALICE, credits: 1 }] });
    const c = await bind(g);
    expect((await c.submit(textSubmit('first'))).command_status).toBe(0);
    expect((await c.submit(textSubmit('second'))).command_status).toBe(smpp.ESME_RSUBMITFAIL);
    expect(await g.gateway.stores.messages.list({ direction: 'MT' })).toHaveLength(1);
  });

  it('answers 0x58 past the per-user throughput, across the user’s sessions', async () => {
    const g = await gateway({ throughput: 2 });
    const a = await bind(g, 'bind_transmitter');
    const b = await bind(g, 'bind_transmitter');
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).submit(textSubmit(`burst ${i}`))));
    const statuses = results.map((r) => r.command_status);
    expect(statuses).toContain(0);
    expect(statuses).toContain(smpp.ESME_RTHROTTLED);
    expect(statuses.every((s) => s === 0 || s === smpp.ESME_RTHROTTLED)).toBe(true);
    const stored = await g.gateway.stores.messages.list({ direction: 'MT' });
    expect(stored).toHaveLength(statuses.filter((s) => s === 0).length);
    expect(g.gateway.status()['smpp-server']?.counters.throttled).toBe(statuses.filter((s) => s !== 0).length);
  });

  it('keeps a per-user override of the throughput', async () => {
    const g = await gateway({ throughput: 1, userThroughput: { bob: 1000 } });
    const c = await bind(g, 'bind_transmitter', BOB);
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => c.submit(textSubmit(`bob ${i}`, { source_addr: '' }))));
    expect(results.map((r) => r.command_status)).toEqual(Array(10).fill(0));
  });

  it('answers query_sm for the user’s own messages only', async () => {
    const g = await gateway();
    const a = await bind(g);
    const r = await a.submit(textSubmit('query me'));
    const q = await a.request('query_sm', { message_id: r.message_id, source_addr: '15550001111' });
    expect(q.command_status).toBe(0);
    expect(q.message_state).toBe(1); // waiting: en route
    const b = await bind(g, 'bind_transceiver', BOB);
    expect((await b.request('query_sm', { message_id: r.message_id })).command_status).toBe(smpp.ESME_RQUERYFAIL);
  });

  it('answers commands it does not offer with ESME_RINVCMDID', async () => {
    const g = await gateway();
    const c = await bind(g);
    expect((await c.request('cancel_sm', { message_id: 'x' })).command_status).toBe(smpp.ESME_RINVCMDID);
    expect((await c.request('data_sm', { destination_addr: '1555' })).command_status).toBe(smpp.ESME_RINVCMDID);
  });
});
