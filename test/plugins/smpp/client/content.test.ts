// What travels besides plain text: binary user data both ways, TLS to the SMSC, and an MO the gateway
// cannot commit (answered with a temporary error so the SMSC keeps it, never acknowledged and lost).
import { readFileSync } from 'node:fs';
import smpp from 'smpp';
import { afterEach, describe, expect, it } from 'vitest';
import { makeCertificate } from '../../../helpers/tls.ts';
import { startHarness, waitFor, type Harness } from './harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('binary and TLS', () => {
  it('binary MT with ports goes out with its data_coding class and port header', async () => {
    h = await startHarness();
    const payload = Buffer.from('01060403ae81ea', 'hex');
    await h.gw.gateway.submit([
      {
        direction: 'MT',
        kind: 'sms',
        from: '+15550002222',
        to: '+447700900700',
        parts: [{ contentType: 'application/octet-stream', data: payload }],
        meta: { sms: { coding: '8bit', messageClass: 1, ports: { source: 9200, destination: 2948 } } },
      },
    ]);
    const [s] = await waitFor('the submit', () => h!.sim.submits.length === 1 && h!.sim.submits);
    expect([s!.pdu.data_coding, s!.pdu.esm_class]).toEqual([0xf5, 0x40]);
    const raw = s!.pdu.short_message as { udh?: Buffer[]; message: Buffer };
    expect(Buffer.concat(raw.udh!).toString('hex')).toBe('05040b8423f0');
    expect(raw.message.equals(payload)).toBe(true);
  });

  it('a text MT with a class, a protocol id and a validity goes out with them (flash: data_coding 0x10; validity_period relative)', async () => {
    h = await startHarness();
    await h.gw.gateway.submit([
      {
        direction: 'MT',
        kind: 'sms',
        from: '+15550002222',
        to: '+447700900702',
        parts: [{ contentType: 'text/plain; charset=utf-8', data: Buffer.from('flash') }],
        meta: { sms: { messageClass: 0, protocolId: 65, validityMinutes: 90 } },
      },
    ]);
    const [s] = await waitFor('the submit', () => h!.sim.submits.length === 1 && h!.sim.submits);
    expect([s!.pdu.data_coding, s!.pdu.protocol_id]).toEqual([0x10, 65]);
    // The smpp package reads a relative time (…R) as that long from now: 90 minutes, give or take the test's own time.
    const until = (s!.pdu.validity_period as Date).getTime() - Date.now();
    expect(until).toBeGreaterThan(85 * 60_000);
    expect(until).toBeLessThanOrEqual(90 * 60_000);
  });

  it('a binary MT stored before meta.sms (meta.smpp, its UDH in the octets) still goes out with its data_coding and UDH', async () => {
    h = await startHarness();
    // A WAP push style payload: its own UDH (port addressing), data_coding 0xF5.
    const octets = Buffer.concat([Buffer.from('0605040b8423f0', 'hex'), Buffer.from('01060403ae81ea', 'hex')]);
    await h.gw.gateway.submit([
      {
        direction: 'MT',
        kind: 'sms',
        from: '+15550002222',
        to: '+447700900700',
        parts: [{ contentType: 'application/octet-stream', data: octets }],
        meta: { smpp: { dataCoding: 0xf5, esmClass: 0x40 } },
      },
    ]);
    const [s] = await waitFor('the submit', () => h!.sim.submits.length === 1 && h!.sim.submits);
    expect([s!.pdu.data_coding, s!.pdu.esm_class]).toEqual([0xf5, 0x40]);
    const raw = s!.pdu.short_message as { udh?: Buffer[]; message: Buffer };
    expect(Buffer.concat([Buffer.from([6]), ...raw.udh!, raw.message]).equals(octets)).toBe(true);
  });

  it('binary MO is kept as octets with its data_coding', async () => {
    h = await startHarness();
    await h.sim.deliver({
      source_addr_ton: 1,
      source_addr_npi: 1,
      source_addr: '447700900701',
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      destination_addr: '15550002222',
      data_coding: 4,
      short_message: Buffer.from('00ff10', 'hex'),
    });
    const [m] = await waitFor('the MO', () => h!.gw.gateway.stores.messages.list({ direction: 'MO' }).then((l) => l.length === 1 && l));
    const message = (await h.gw.gateway.stores.messages.get(m!.id))!;
    expect(message.parts[0]!.contentType).toBe('application/octet-stream');
    expect(message.parts[0]!.data.toString('hex')).toBe('00ff10');
    expect(message.meta.sms).toEqual({ coding: '8bit' });
  });

  it('TLS to the SMSC', async () => {
    const { keyFile, certFile } = makeCertificate();
    h = await startHarness({
      sim: { tls: { key: readFileSync(keyFile), cert: readFileSync(certFile) } },
      client: { tls: { rejectUnauthorized: false } },
    });
    await h.mail('+447700900702', 'over TLS');
    await waitFor('the submit', () => h!.sim.messages().length === 1);
    expect(h.sim.messages()[0]!.text).toBe('over TLS');
  });
});

describe('an MO the gateway cannot take', () => {
  it('is answered 0x64 (temporary) and not stored, so the SMSC delivers it again', async () => {
    h = await startHarness({ client: { routeTo: 'nobody' } });
    expect(await h.sim.deliverMo({ from: '+447700900703', to: '+15550002222', text: 'for nobody' })).toEqual([smpp.ESME_RX_T_APPN]);
    expect(await h.gw.gateway.stores.messages.list({ direction: 'MO' })).toHaveLength(0);
    expect(h.status().counters.inboundRefused).toBe(1);
  });

  it('routeTo puts every MO of this connection in one mailbox', async () => {
    h = await startHarness({ client: { routeTo: 'alice' } });
    await h.sim.deliverMo({ from: '+447700900704', to: '+19995550000', text: 'to any number' });
    const [m] = await waitFor('the MO', () => h!.gw.gateway.stores.messages.list({ direction: 'MO' }).then((l) => l.length === 1 && l));
    expect(m!.status).toBe('in-mailbox');
  });
});
