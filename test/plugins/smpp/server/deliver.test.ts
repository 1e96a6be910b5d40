// Messages routed to a user reach the user's bound receiver as deliver_sm, and leave the mailbox only
// once the client has acknowledged them.
import smpp, { type PDU } from 'smpp';
import { describe, expect, it } from 'vitest';
import { ALICE, bind, BOB, gateway, PHONE } from './fixtures.ts';
import { eventually } from './client.ts';

const MINE = ALICE.recipients[0]!;

function textOfPdu(pdu: PDU): string {
  const sm = pdu.short_message as { message?: string } | undefined;
  const payload = pdu.message_payload as { message?: string } | undefined;
  return String(sm?.message || payload?.message || '');
}

describe('smpp server delivers to bound users', () => {
  it('delivers what waited in the mailbox as soon as the user binds, then empties the mailbox', async () => {
    const g = await gateway();
    const id1 = await g.inject(PHONE, MINE, 'waiting one');
    const id2 = await g.inject(PHONE, MINE, 'waiting two');
    // Nobody bound: both wait in the mailbox.
    expect((await g.gateway.stores.mailboxes.list('alice')).map((e) => e.messageId)).toEqual([id1, id2]);
    const c = await bind(g, 'bind_receiver');
    await c.until(() => c.received.length === 2, 'two deliver_sm');
    expect(c.received.map(textOfPdu)).toEqual(['waiting one', 'waiting two']);
    const first = c.received[0]!;
    expect(first).toMatchObject({
      source_addr: PHONE.slice(1),
      source_addr_ton: 1,
      destination_addr: MINE.slice(1),
      dest_addr_ton: 1,
      esm_class: 0,
      data_coding: 0,
    });
    await eventually(
      () => g.gateway.stores.mailboxes.list('alice'),
      (l) => l.length === 0,
      'the mailbox to empty',
    );
    expect((await g.gateway.stores.messages.summary(id1))?.status).toBe('retrieved');
  });

  it('delivers in mailbox order even when one message takes longer to load than those after it', async () => {
    const g = await gateway();
    const ids = [await g.inject(PHONE, MINE, 'first'), await g.inject(PHONE, MINE, 'second'), await g.inject(PHONE, MINE, 'third')];
    // The store answers for the first message last (a slow read on a busy database).
    const { messages } = g.gateway.stores;
    const get = messages.get.bind(messages);
    const loaded: string[] = [];
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    messages.get = async (id) => {
      if (id === ids[0]) await firstHeld;
      const m = await get(id);
      loaded.push(id);
      return m;
    };
    const c = await bind(g, 'bind_receiver');
    await eventually(
      async () => loaded,
      (l) => l.length === 2,
      'the second and third to load',
    );
    releaseFirst();
    await c.until(() => c.received.length === 3, 'three deliver_sm');
    expect(loaded).toEqual([ids[1], ids[2], ids[0]]);
    expect(c.received.map(textOfPdu)).toEqual(['first', 'second', 'third']);
  });

  it('delivers a message routed to the user while bound', async () => {
    const g = await gateway();
    const c = await bind(g, 'bind_transceiver');
    await g.inject(PHONE, MINE, 'live');
    await c.until(() => c.received.length === 1, 'a deliver_sm');
    expect(textOfPdu(c.received[0]!)).toBe('live');
  });

  it('does not deliver to a transmitter, nor to another user', async () => {
    const g = await gateway();
    const tx = await bind(g, 'bind_transmitter');
    const bob = await bind(g, 'bind_receiver', BOB);
    const id = await g.inject(PHONE, MINE, 'for alice only');
    // Bob's mail goes through at once; alice's stays put while she has no receiver.
    await g.inject(PHONE, BOB.recipients[0]!, 'for bob');
    await bob.until(() => bob.received.length === 1, "bob's deliver_sm");
    expect(tx.received).toEqual([]);
    expect(bob.received.map(textOfPdu)).toEqual(['for bob']);
    expect((await g.gateway.stores.mailboxes.list('alice')).map((e) => e.messageId)).toEqual([id]);
  });

  it('keeps a refused message in the mailbox and offers it again', async () => {
    const g = await gateway({ redeliverSeconds: 0.1 });
    const c = await bind(g, 'bind_receiver');
    let refusals = 0;
    c.answer = () => (refusals++ < 2 ? smpp.ESME_RX_T_APPN : 0);
    const id = await g.inject(PHONE, MINE, 'try again');
    await c.until(() => c.received.length === 3, 'two refusals and an acceptance');
    await eventually(
      () => g.gateway.stores.mailboxes.list('alice'),
      (l) => l.length === 0,
      'the mailbox to empty',
    );
    expect((await g.gateway.stores.messages.summary(id))?.status).toBe('retrieved');
    expect(g.gateway.status()['smpp-server']?.counters.deliverFailures).toBe(2);
  });

  it('withdraws a message an operator deleted while it waited to be offered again', async () => {
    const g = await gateway({ redeliverSeconds: 1 });
    const c = await bind(g, 'bind_receiver');
    let clockRefused = false;
    c.answer = (pdu) => {
      if (textOfPdu(pdu) === 'doomed') return smpp.ESME_RX_T_APPN;
      if (textOfPdu(pdu) === 'clock' && !clockRefused) {
        clockRefused = true;
        return smpp.ESME_RX_T_APPN;
      }
      return 0;
    };
    const doomed = await g.inject(PHONE, MINE, 'doomed');
    await c.until(() => c.received.some((p) => textOfPdu(p) === 'doomed'), 'the first offer');
    await g.gateway.admin.call('messages.delete', { message: doomed });
    // A clock on the same mechanism: refused once, it is offered again one redelivery period later, after the
    // doomed message's own timer would have fired.
    await g.inject(PHONE, MINE, 'clock');
    await c.until(() => c.received.filter((p) => textOfPdu(p) === 'clock').length === 2, 'the clock to come round');
    expect(c.received.filter((p) => textOfPdu(p) === 'doomed')).toHaveLength(1);
    expect((await g.gateway.stores.messages.summary(doomed))?.status).toBe('deleted');
  });

  it('keeps a message whose deliver_sm the client never answered, and delivers it on the next bind', async () => {
    const g = await gateway({ responseTimeoutSeconds: 30 });
    const c = await bind(g, 'bind_receiver');
    c.session.removeAllListeners('deliver_sm');
    let seen = 0;
    c.session.on('deliver_sm', () => seen++);
    const id = await g.inject(PHONE, MINE, 'unanswered');
    await c.until(() => seen === 1, 'the deliver_sm');
    await c.close();
    expect((await g.gateway.stores.mailboxes.list('alice')).map((e) => e.messageId)).toEqual([id]);
    const again = await bind(g, 'bind_receiver');
    await again.until(() => again.received.length === 1, 'the deliver_sm again');
    expect(textOfPdu(again.received[0]!)).toBe('unanswered');
  });

  it('splits a long text by UDH, and delivers Unicode as UCS-2', async () => {
    const g = await gateway();
    const c = await bind(g, 'bind_receiver');
    const long = 'Long message text. '.repeat(12);
    await g.inject(PHONE, MINE, long);
    await c.until(() => c.received.length === 2, 'two segments');
    const udhs = c.received.map((p) => (p.short_message as { udh?: Buffer[] }).udh?.[0]);
    expect(udhs.map((u) => u && [u[0], u[1], u[3], u[4]])).toEqual([
      [0x00, 0x03, 2, 1],
      [0x00, 0x03, 2, 2],
    ]);
    expect(c.received.every((p) => (Number(p.esm_class) & 0x40) !== 0)).toBe(true);
    expect(c.received.map(textOfPdu).join('')).toBe(long);
    await g.inject(PHONE, MINE, 'Привет');
    await c.until(() => c.received.length === 3, 'the Unicode message');
    expect(c.received[2]).toMatchObject({ data_coding: 8 });
    expect(textOfPdu(c.received[2]!)).toBe('Привет');
  });

  it.each([
    ['sar', (p: PDU) => p.sar_total_segments === 2 && (p.sar_segment_seqnum === 1 || p.sar_segment_seqnum === 2)],
    ['payload', (p: PDU) => textOfPdu(p).length > 160],
  ] as const)('delivers a long text with longMessages: %s', async (mode, check) => {
    const g = await gateway({ longMessages: mode });
    const c = await bind(g, 'bind_receiver');
    const long = 'Long message text. '.repeat(12);
    await g.inject(PHONE, MINE, long);
    await c.until(() => c.received.map(textOfPdu).join('') === long, 'the whole text');
    expect(c.received.every(check)).toBe(true);
  });

  it('shares a user’s messages between two receivers', async () => {
    const g = await gateway({ window: 1 });
    const a = await bind(g, 'bind_receiver');
    const b = await bind(g, 'bind_receiver');
    for (let i = 0; i < 6; i++) await g.inject(PHONE, MINE, `m${i}`);
    await a.until(() => a.received.length + b.received.length === 6, 'all six');
    expect(a.received.length).toBeGreaterThan(0);
    expect(b.received.length).toBeGreaterThan(0);
  });
});
