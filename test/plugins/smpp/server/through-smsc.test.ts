// The whole SMPP path with nothing stood in: an application bound to our server, the gateway's SMSC client
// connection, and the SMSC simulator (written from the spec by the client side) at the far end.
import { afterEach, describe, expect, it } from 'vitest';
import { smppClient } from '../../../../plugins/smpp/index.ts';
import { smppServer } from '../../../../plugins/smpp/server/index.ts';
import { parseReceipt } from '../../../../plugins/smpp/shared/receipt.ts';
import { startTestGateway, type TestGateway } from '../../../helpers/gateway.ts';
import { SmscSimulator } from '../smsc-simulator/index.ts';
import { eventually, SmppTestClient, smppPort } from './client.ts';
import { ALICE, PHONE, textSubmit } from './fixtures.ts';

const started: { stop(): Promise<unknown> }[] = [];

afterEach(async () => {
  for (const s of started.splice(0).reverse()) await s.stop();
});

async function setup(): Promise<{ g: TestGateway; sim: SmscSimulator; app: SmppTestClient }> {
  const sim = await SmscSimulator.start({ systemId: 'gw', password: 'secret', receipts: true, idFormat: 'hex' });
  started.push(sim);
  const g = await startTestGateway({
    users: [ALICE],
    plugins: [
      smppServer({ port: 0 }),
      smppClient({
        id: 'smsc',
        host: '127.0.0.1',
        port: sim.port,
        systemId: 'gw',
        password: 'secret',
        anyTraffic: true,
        reconnect: { initialSeconds: 0.05, maxSeconds: 0.5, factor: 2 },
      }),
    ],
  });
  started.push(g);
  await eventually(
    async () => g.gateway.status().smsc?.state,
    (s) => s === 'up',
    'the SMSC bind',
  );
  const app = await SmppTestClient.connect(smppPort(g));
  started.push({ stop: () => app.close() });
  expect((await app.request('bind_transceiver', { system_id: ALICE.name, password: ALICE.password })).command_status).toBe(0);
  return { g, sim, app };
}

describe('smpp server through the SMSC client to a simulated SMSC', () => {
  it('sends a submit on to the SMSC and brings the SMSC’s receipt back to the application', async () => {
    const { g, sim, app } = await setup();
    const resp = await app.submit(textSubmit('Through the whole path', { registered_delivery: 1 }));
    const id = String(resp.message_id);
    await eventually(
      async () => sim.messages(),
      (m) => m.length === 1,
      'the message at the SMSC',
    );
    expect(sim.messages()[0]).toMatchObject({ to: PHONE.slice(1), text: 'Through the whole path' });
    await app.until(() => app.received.length === 1, 'the receipt at the application');
    expect(app.received[0]).toMatchObject({ esm_class: 0x04, receipted_message_id: id, message_state: 2 });
    const text = (app.received[0]!.short_message as { message: string }).message;
    expect(parseReceipt(text)).toMatchObject({ id, stat: 'DELIVRD' });
    expect((await g.gateway.stores.messages.summary(id))?.status).toBe('delivered');
  });

  it('delivers an MO from the SMSC to the bound application of the user it is routed to', async () => {
    const { sim, app } = await setup();
    await sim.deliverMo({ from: PHONE, to: ALICE.recipients[0]!, text: 'A reply from a phone, long enough to need two parts. '.repeat(4), long: 'sar' });
    await app.until(
      () =>
        app.received.map((p) => (p.short_message as { message: string }).message).join('') ===
        'A reply from a phone, long enough to need two parts. '.repeat(4),
      'the whole MO at the application',
    );
    expect(app.received[0]).toMatchObject({ source_addr: PHONE.slice(1), destination_addr: ALICE.recipients[0]!.slice(1) });
  });

  it('a binary submit with application ports reaches the SMSC with its ports, data coding class and octets', async () => {
    const { g, sim, app } = await setup();
    const payload = Buffer.from('01060403ae81ea8d', 'hex');
    const resp = await app.submit(
      textSubmit('', { data_coding: 0xf5, esm_class: 0x40, short_message: Buffer.concat([Buffer.from('0605040b8423f0', 'hex'), payload]) }),
    );
    expect(resp.command_status).toBe(0);
    const [s] = await eventually(
      async () => sim.submits,
      (x) => x.length === 1,
      'the submit at the SMSC',
    );
    expect([s!.pdu.data_coding, s!.pdu.esm_class]).toEqual([0xf5, 0x40]);
    const sm = s!.pdu.short_message as { udh?: Buffer[]; message: Buffer };
    expect(Buffer.concat(sm.udh!).toString('hex')).toBe('05040b8423f0');
    expect(Buffer.from(sm.message).equals(payload)).toBe(true);
    expect((await g.gateway.stores.messages.get(String(resp.message_id)))!.meta.sms).toMatchObject({ ports: { source: 9200, destination: 2948 } });
  });

  it('a binary MO with application ports reaches the bound application with its ports and octets', async () => {
    const { sim, app } = await setup();
    const payload = Buffer.from('0b0603ae81ea', 'hex');
    await sim.deliver({
      source_addr_ton: 1,
      source_addr_npi: 1,
      source_addr: PHONE.slice(1),
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      destination_addr: ALICE.recipients[0]!.slice(1),
      esm_class: 0x40,
      data_coding: 0x04,
      short_message: Buffer.concat([Buffer.from('0605040b8423f0', 'hex'), payload]),
    });
    await app.until(() => app.received.length === 1, 'the MO at the application');
    const got = app.received[0]!;
    expect([got.data_coding, got.esm_class]).toEqual([0x04, 0x40]);
    const sm = got.short_message as { udh?: Buffer[]; message: Buffer };
    expect(Buffer.concat(sm.udh!).toString('hex')).toBe('05040b8423f0');
    expect(Buffer.from(sm.message).equals(payload)).toBe(true);
  });
});
