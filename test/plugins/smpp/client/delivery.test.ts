// The main story over a simulated SMSC: e-mail -> submit_sm -> receipt -> status 'delivered';
// an MO deliver_sm -> the user's mailbox -> POP3.
import { afterEach, describe, expect, it } from 'vitest';
import { fetchAll } from '../../../helpers/pop3-fetch.ts';
import { missingPeer } from '../../../helpers/peers.ts';
import { lastSent, startHarness, waitFor, type Harness } from './harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('SMPP client: the e-mail round trip', () => {
  it('e-mail -> SMSC -> receipt -> delivered, with the history recording each step', async () => {
    h = await startHarness({ sim: { receipts: true }, client: { registeredDelivery: true } });
    expect(await h.mail('+447700900123', 'Hello from the gateway')).toMatch(/^250/);
    const [msg] = await waitFor('the submit', () => h!.sim.messages().length === 1 && h!.sim.messages());
    expect(msg!.text).toBe('Hello from the gateway');
    expect(msg!.to).toBe('447700900123');
    const pdu = msg!.parts[0]!.pdu;
    expect([pdu.dest_addr_ton, pdu.dest_addr_npi]).toEqual([1, 1]);
    expect([pdu.source_addr, pdu.source_addr_ton, pdu.source_addr_npi]).toEqual(['15550002222', 1, 1]);
    expect(pdu.registered_delivery).toBe(1);
    expect(pdu.data_coding).toBe(0);

    const id = await lastSent(h);
    const summary = await waitFor('delivered', async () => {
      const s = await h!.gw.gateway.stores.messages.summary(id);
      return s?.status === 'delivered' && s;
    });
    expect(summary.history.map((e) => e.status)).toEqual(expect.arrayContaining(['queued', 'sent', 'delivered']));
    expect(summary.history.find((e) => e.status === 'sent')!.detail).toContain(String(msg!.parts[0]!.messageId));
    expect(h.status().counters).toMatchObject({ submitted: 1, receipts: 1, unmatchedReceipts: 0 });
  });

  it('an undeliverable receipt makes the message undeliverable', async () => {
    h = await startHarness({ sim: { receipts: true, receiptStat: 'UNDELIV' }, client: { registeredDelivery: true } });
    await h.mail('+447700900124', 'nobody home');
    const id = await lastSent(h);
    await waitFor('undeliverable', async () => (await h!.gw.gateway.stores.messages.summary(id))?.status === 'undeliverable');
  });

  it('without registered delivery no receipt is asked for; the message stays sent', async () => {
    h = await startHarness({ sim: { receipts: true } });
    await h.mail('+447700900125', 'no receipt please');
    const id = await lastSent(h);
    await waitFor('sent', async () => (await h!.gw.gateway.stores.messages.summary(id))?.status === 'sent');
    expect(h.sim.submits[0]!.pdu.registered_delivery).toBe(0);
    expect(h.status().counters.receipts).toBe(0);
  });

  it.skipIf(missingPeer('curl'))('an MO deliver_sm reaches the user who has that number, over POP3', async () => {
    h = await startHarness();
    const statuses = await h.sim.deliverMo({ from: '+447700900123', to: '+15550002222', text: 'Reply from a phone' });
    expect(statuses).toEqual([0]);
    const mails = await fetchAll(h.gw.pop3Port, 'alice', 'alice-pw');
    expect(mails).toHaveLength(1);
    expect(mails[0]!.from!.value[0]!.address).toBe('+447700900123@sms.localhost');
    expect(mails[0]!.text!.trim()).toBe('Reply from a phone');
    expect(h.status().counters.mo).toBe(1);
  });
});
