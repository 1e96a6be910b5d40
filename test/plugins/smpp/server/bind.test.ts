// Binding: each mode, each refusal and its command_status, and what each mode may do once bound.
import smpp, { type PDU } from 'smpp';
import { describe, expect, it } from 'vitest';
import { ALICE, bind, CAROL, connect, DAVE, gateway, textSubmit } from './fixtures.ts';
import { smppServer } from '../../../../plugins/smpp/index.ts';

describe('smpp server binds', () => {
  it.each(['bind_transmitter', 'bind_receiver', 'bind_transceiver'] as const)('%s with the right password answers with our system_id', async (command) => {
    const g = await gateway({ systemId: 'gw-test' });
    const c = await connect(g);
    const resp = await c.request(command, { system_id: ALICE.name, password: ALICE.password, interface_version: 0x34 });
    expect(resp.command).toBe(`${command}_resp`);
    expect(resp.command_status).toBe(smpp.ESME_ROK);
    expect(resp.system_id).toBe('gw-test');
    expect(resp.sc_interface_version).toBe(0x34);
    expect(g.gateway.status()['smpp-server']?.counters.bound).toBe(1);
  });

  it('refuses a wrong password with ESME_RINVPASWD', async () => {
    const g = await gateway();
    const c = await connect(g);
    const resp = await c.request('bind_transceiver', { system_id: ALICE.name, password: 'nope' });
    expect(resp.command_status).toBe(smpp.ESME_RINVPASWD);
    // Still unbound: a submit is refused for the state, not taken.
    expect((await c.submit(textSubmit('x'))).command_status).toBe(smpp.ESME_RINVBNDSTS);
  });

  it('answers an unknown user exactly like a wrong password', async () => {
    const g = await gateway();
    const c = await connect(g);
    expect((await c.request('bind_transmitter', { system_id: 'mallory', password: 'x' })).command_status).toBe(smpp.ESME_RINVPASWD);
  });

  it('refuses a user without SMPP login with ESME_RBINDFAIL, but a wrong password for that user like an unknown name', async () => {
    const g = await gateway();
    const c = await connect(g);
    expect((await c.request('bind_transceiver', { system_id: CAROL.name, password: CAROL.password })).command_status).toBe(smpp.ESME_RBINDFAIL);
    // Without the password nothing tells that the account exists.
    expect((await c.request('bind_transceiver', { system_id: CAROL.name, password: 'guess' })).command_status).toBe(smpp.ESME_RINVPASWD);
  });

  it('refuses a bind from an address outside the allow-list with ESME_RBINDFAIL, and a wrong password there like any', async () => {
    const g = await gateway();
    const c = await connect(g);
    expect((await c.request('bind_transceiver', { system_id: DAVE.name, password: DAVE.password })).command_status).toBe(smpp.ESME_RBINDFAIL);
    expect((await c.request('bind_transceiver', { system_id: DAVE.name, password: 'guess' })).command_status).toBe(smpp.ESME_RINVPASWD);
  });

  it('refuses a system_id longer than SMPP allows with ESME_RINVSYSID', async () => {
    const g = await gateway();
    const c = await connect(g);
    expect((await c.request('bind_transceiver', { system_id: 'x'.repeat(16), password: 'pw' })).command_status).toBe(smpp.ESME_RINVSYSID);
  });

  it('lets a refused client try again on the same connection', async () => {
    const g = await gateway();
    const c = await connect(g);
    expect((await c.request('bind_transceiver', { system_id: ALICE.name, password: 'wrong' })).command_status).toBe(smpp.ESME_RINVPASWD);
    expect((await c.request('bind_transceiver', { system_id: ALICE.name, password: ALICE.password })).command_status).toBe(smpp.ESME_ROK);
  });

  it('refuses a second bind on a bound session with ESME_RALYBND', async () => {
    const g = await gateway();
    const c = await bind(g);
    expect((await c.request('bind_transmitter', { system_id: ALICE.name, password: ALICE.password })).command_status).toBe(smpp.ESME_RALYBND);
  });

  it('answers PDUs pipelined behind a bind only after the bind', async () => {
    const g = await gateway();
    const c = await connect(g);
    const bound = c.request('bind_transceiver', { system_id: ALICE.name, password: ALICE.password });
    const submitted = c.submit(textSubmit('right behind the bind'));
    expect((await bound).command_status).toBe(0);
    expect((await submitted).command_status).toBe(0);
  });

  it('refuses submit_sm on a receiver bind with ESME_RINVBNDSTS', async () => {
    const g = await gateway();
    const c = await bind(g, 'bind_receiver');
    expect((await c.submit(textSubmit('not allowed'))).command_status).toBe(smpp.ESME_RINVBNDSTS);
  });

  it('answers enquire_link, and unbind with unbind_resp and a close', async () => {
    const g = await gateway();
    const c = await bind(g);
    expect((await c.request('enquire_link')).command).toBe('enquire_link_resp');
    const resp = await c.request('unbind');
    expect(resp.command).toBe('unbind_resp');
    expect(resp.command_status).toBe(0);
    await c.until(() => c.closed, 'the server to close after unbind');
    expect(g.gateway.status()['smpp-server']?.counters.bound).toBe(0);
  });

  it('names loginTimeoutSeconds when a config still says bindTimeoutSeconds', () => {
    expect(() => smppServer({ bindTimeoutSeconds: 5 } as never)).toThrow(/plugins\.smpp-server\.bindTimeoutSeconds is now called loginTimeoutSeconds/);
  });

  it('closes a connection that never binds', async () => {
    const g = await gateway({ loginTimeoutSeconds: 0.3 });
    const c = await connect(g);
    await c.until(() => c.closed, 'the bind timeout');
  });

  it('closes a bound client that stops answering enquire_link', async () => {
    const g = await gateway({ enquireLinkSeconds: 0.2, idleTimeoutSeconds: 0.6 });
    const c = await bind(g);
    // A client that answers nothing: drop its enquire_link handler.
    c.session.removeAllListeners('enquire_link');
    await c.until(() => c.closed, 'the idle timeout');
  });

  it('binds and submits over TLS on tlsPort', async () => {
    const g = await gateway({ tlsPort: 0 }, { tls: true });
    const listening = g.gateway.status()['smpp-server']?.listening ?? [];
    expect(listening).toHaveLength(2);
    const port = Number(listening[1]!.split(':').at(-1));
    const session = smpp.connect({ host: '127.0.0.1', port, tls: true, rejectUnauthorized: false });
    try {
      await new Promise<void>((resolve, reject) => {
        session.once('secureConnect', () => resolve());
        session.once('error', reject);
      });
      const call = (command: 'bind_transceiver' | 'submit_sm', fields: Record<string, unknown>) =>
        new Promise<PDU>((resolve) => session.send(new smpp.PDU(command, fields), resolve));
      expect((await call('bind_transceiver', { system_id: ALICE.name, password: ALICE.password })).command_status).toBe(0);
      expect((await call('submit_sm', textSubmit('over TLS'))).command_status).toBe(0);
    } finally {
      session.destroy();
    }
  });

  it('keeps a quiet client that answers enquire_link', async () => {
    const g = await gateway({ enquireLinkSeconds: 0.1, idleTimeoutSeconds: 0.4 });
    const c = await bind(g);
    let probes = 0;
    c.session.on('enquire_link', () => probes++);
    await c.until(() => probes >= 4, 'several enquire_links');
    expect(c.closed).toBe(false);
    expect((await c.submit(textSubmit('still here'))).command_status).toBe(0);
  });
});
