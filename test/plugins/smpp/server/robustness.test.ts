// Bad clients: garbage, malformed and unknown PDUs, a drop in the middle of a PDU, a flood, too many
// connections. Each gets what the spec says (generic_nack, a close), and a well-behaved session running
// beside it keeps working throughout.
import smpp from 'smpp';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestGateway } from '../../../helpers/gateway.ts';
import { smppPort, type SmppTestClient } from './client.ts';
import { ALICE, bind, gateway, textSubmit } from './fixtures.ts';
import { cstr, pdu, RawSmpp } from './raw.ts';

const GENERIC_NACK = 0x80000000;
const raws: RawSmpp[] = [];

async function raw(g: TestGateway): Promise<RawSmpp> {
  const r = await RawSmpp.open(smppPort(g));
  raws.push(r);
  return r;
}

async function rawBound(g: TestGateway): Promise<RawSmpp> {
  const r = await raw(g);
  r.write(pdu(0x09, 1, Buffer.concat([cstr(ALICE.name), cstr(ALICE.password), cstr(''), Buffer.from([0x34, 0, 0]), cstr('')])));
  await r.until(() => r.pdus.some((p) => p.commandId === 0x80000009), 'bind_transceiver_resp');
  expect(r.pdus[0]!.status).toBe(0);
  return r;
}

/** The neighbour: still bound, still able to submit. */
async function stillWorks(g: TestGateway, c: SmppTestClient, text: string): Promise<void> {
  const resp = await c.submit(textSubmit(text));
  expect(resp.command_status).toBe(0);
  expect(await g.gateway.stores.messages.get(String(resp.message_id))).toBeDefined();
}

describe('smpp server against bad clients', () => {
  afterEach(() => {
    for (const r of raws.splice(0)) r.destroy();
  });

  it.each([
    ['a length under the header', Buffer.from([0, 0, 0, 5, 1, 2, 3, 4, 5])],
    ['a length over the limit', Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0xff]), Buffer.alloc(12)])],
    ['HTTP instead of SMPP', Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')],
  ])('answers %s with generic_nack and closes, while another session goes on', async (_what, garbage) => {
    const g = await gateway();
    const good = await bind(g);
    const bad = await raw(g);
    bad.write(garbage);
    await bad.until(() => bad.closed, 'the close');
    expect(bad.pdus.map((p) => [p.commandId, p.status])).toEqual([[GENERIC_NACK, smpp.ESME_RINVCMDLEN]]);
    await stillWorks(g, good, 'after garbage');
    expect(g.gateway.status()['smpp-server']?.counters.badPdus).toBe(1);
  });

  it('answers an unknown command_id with generic_nack ESME_RINVCMDID on its sequence, and keeps the session', async () => {
    const g = await gateway();
    const r = await rawBound(g);
    r.write(pdu(0x000000aa, 77, Buffer.from('whatever')));
    r.write(pdu(0x15, 78)); // enquire_link
    await r.until(() => r.pdus.length === 3, 'two answers');
    expect(r.pdus.slice(1).map((p) => [p.commandId, p.status, p.sequence])).toEqual([
      [GENERIC_NACK, smpp.ESME_RINVCMDID, 77],
      [0x80000015, 0, 78],
    ]);
    expect(r.closed).toBe(false);
  });

  it('answers a truncated submit_sm with generic_nack ESME_RINVCMDLEN and stores nothing', async () => {
    const g = await gateway();
    const good = await bind(g);
    const r = await rawBound(g);
    // service_type, then source_addr_ton/npi, then a source_addr that never ends.
    r.write(pdu(0x04, 5, Buffer.concat([cstr(''), Buffer.from([1, 1]), Buffer.from('1555000', 'latin1')])));
    // A TLV whose length runs past the PDU.
    const body = Buffer.concat([
      cstr(''),
      Buffer.from([1, 1]),
      cstr('15550001111'),
      Buffer.from([1, 1]),
      cstr('15550002222'),
      Buffer.from([0, 0, 0]),
      cstr(''),
      cstr(''),
      Buffer.from([0, 0, 0, 0]),
      Buffer.from([2, 0x68, 0x69]),
      Buffer.from([0x04, 0x24, 0x00, 0x50, 0x41]),
    ]);
    r.write(pdu(0x04, 6, body));
    await r.until(() => r.pdus.length === 3, 'two answers');
    expect(r.pdus.slice(1).map((p) => [p.commandId, p.status, p.sequence])).toEqual([
      [GENERIC_NACK, smpp.ESME_RINVCMDLEN, 5],
      [GENERIC_NACK, smpp.ESME_RINVCMDLEN, 6],
    ]);
    expect(await g.gateway.stores.messages.list({ direction: 'MT' })).toEqual([]);
    await stillWorks(g, good, 'after truncated PDUs');
  });

  it('closes a session after too many bad PDUs', async () => {
    const g = await gateway({ maxBadPdus: 3 });
    const r = await rawBound(g);
    for (let i = 0; i < 5; i++) r.write(pdu(0xdead, 100 + i));
    await r.until(() => r.closed, 'the close');
    expect(r.pdus.filter((p) => p.commandId === GENERIC_NACK).length).toBeGreaterThanOrEqual(3);
  });

  it('forgets a client that drops in the middle of a PDU', async () => {
    const g = await gateway();
    const good = await bind(g);
    const r = await rawBound(g);
    const whole = pdu(0x04, 9, Buffer.alloc(80, 0x31));
    r.write(whole.subarray(0, 30));
    r.destroy();
    await good.until(() => g.gateway.status()['smpp-server']?.counters.active === 1, 'the dropped session to go');
    expect(await g.gateway.stores.messages.list({ direction: 'MT' })).toEqual([]);
    await stillWorks(g, good, 'after a drop');
  });

  it('keeps serving others while one client floods without reading', async () => {
    const g = await gateway({ maxPending: 20 });
    const good = await bind(g);
    const r = await rawBound(g);
    // Stop reading our answers: the flood's responses pile up on its side only.
    r.socket.pause();
    const flood = Buffer.concat(Array.from({ length: 20_000 }, (_, i) => pdu(0x15, 1000 + i)));
    r.write(flood);
    for (let i = 0; i < 5; i++) await stillWorks(g, good, `during the flood ${i}`);
    r.destroy();
  });

  it('refuses connections past maxSessions without disturbing the others', async () => {
    const g = await gateway({ maxSessions: 2 });
    const a = await bind(g);
    const b = await raw(g);
    const c = await raw(g);
    await c.until(() => c.closed, 'the third connection to be closed');
    expect(b.closed).toBe(false);
    await stillWorks(g, a, 'at the session limit');
  });

  it('answers a request sent before bind with ESME_RINVBNDSTS', async () => {
    const g = await gateway();
    const r = await raw(g);
    r.write(pdu(0x06, 3)); // unbind
    await r.until(() => r.pdus.length === 1, 'the answer');
    expect(r.pdus[0]).toMatchObject({ commandId: 0x80000006, status: smpp.ESME_RINVBNDSTS, sequence: 3 });
  });
});
