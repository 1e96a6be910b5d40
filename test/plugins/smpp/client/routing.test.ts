// Outbound routing over SMSC connections (PRODUCT.md): a sender that is a connection's own number picks it,
// else the longest matching recipient mask, else a connection open to any traffic, else 'no-route'.
import { afterEach, describe, expect, it } from 'vitest';
import { smppClient } from '../../../../plugins/smpp/index.ts';
import { SmscSimulator } from '../smsc-simulator/index.ts';
import { ALICE, lastSent, startHarness, waitFor, type Harness } from './harness.ts';

let h: Harness | undefined;
let other: SmscSimulator | undefined;
afterEach(async () => {
  await h?.stop();
  await other?.stop();
  h = undefined;
  other = undefined;
});

const CAROL = { name: 'carol', password: 'carol-pw', recipients: ['+15550009999'] };

describe('choosing the SMSC', () => {
  it('own number first, then the recipient mask, then any traffic', async () => {
    other = await SmscSimulator.start({ systemId: 'uk', password: 'uk-pw' });
    const uk = smppClient({
      id: 'uk',
      host: '127.0.0.1',
      port: other.port,
      systemId: 'uk',
      password: 'uk-pw',
      recipients: ['+44*'],
      numbers: ['+15550009999'],
    });
    h = await startHarness({ users: [ALICE, CAROL], gateway: { plugins: [uk] } });
    await waitFor('both bound', () => h!.gw.gateway.status().uk?.state === 'up');

    await h.mail('+447700900600', 'to the UK');
    await h.mail('+33600000000', 'to France');
    await h.mail('+33600000001', 'from carol', CAROL);
    await waitFor('three submits', () => other!.submits.length + h!.sim.submits.length === 3);
    expect(
      other
        .messages()
        .map((m) => m.text)
        .sort(),
    ).toEqual(['from carol', 'to the UK']);
    expect(h.sim.messages().map((m) => m.text)).toEqual(['to France']);
  });

  it('a message no connection carries waits as no-route, visible', async () => {
    h = await startHarness({ client: { anyTraffic: false, recipients: ['+44*'] } });
    await h.mail('+33600000002', 'nowhere to go');
    const id = await lastSent(h);
    expect((await h.gw.gateway.stores.messages.summary(id))!.status).toBe('no-route');
    expect(h.sim.submits).toHaveLength(0);
  });

  it('a connection with a default sender sends from it when overriding is off', async () => {
    h = await startHarness({ client: { defaultSender: 'ACME', allowSenderOverride: false } });
    await h.mail('+447700900601', 'from the brand');
    const [m] = await waitFor('the submit', () => h!.sim.messages().length === 1 && h!.sim.messages());
    const pdu = m!.parts[0]!.pdu;
    expect([pdu.source_addr, pdu.source_addr_ton, pdu.source_addr_npi]).toEqual(['ACME', 5, 0]);
  });

  it('short codes go as TON 3 / NPI 0 unless configured otherwise', async () => {
    h = await startHarness({ client: { addressing: { shortCode: { ton: 6, npi: 0 } } } });
    await h.mail('12345', 'to a short code');
    const [m] = await waitFor('the submit', () => h!.sim.messages().length === 1 && h!.sim.messages());
    const pdu = m!.parts[0]!.pdu;
    expect([pdu.destination_addr, pdu.dest_addr_ton, pdu.dest_addr_npi]).toEqual(['12345', 6, 0]);
  });
});

describe('bind modes', () => {
  it('transmitter + receiver: submits on one, receipts and MO on the other', async () => {
    h = await startHarness({ client: { bind: 'transmitter+receiver', registeredDelivery: true }, sim: { receipts: true } });
    await waitFor('two binds', () => h!.sim.bound.length === 2);
    expect(h.sim.bound.map((b) => b.role).sort()).toEqual(['receiver', 'transmitter']);
    await h.mail('+447700900602', 'split binds');
    const id = await lastSent(h);
    await waitFor('delivered', async () => (await h!.gw.gateway.stores.messages.summary(id))?.status === 'delivered');
    await h.sim.deliverMo({ from: '+447700900602', to: '+15550002222', text: 'back on the receiver' });
    await waitFor('the MO', async () => (await h!.gw.gateway.stores.messages.list({ direction: 'MO' })).length === 1);
    expect(h.status().detail).toMatch(/transmitter: bound.*receiver: bound/);
  });
});
