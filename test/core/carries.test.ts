// Routing that knows what a connection carries: an MMS never goes to an SMS-only link, a binary SMS never
// to a text-only one; a rule whose connection cannot carry the message falls through to the next; with no
// capable connection the message waits as no-route with the reason, and leaves when one appears.
import { afterEach, describe, expect, it } from 'vitest';
import { chooseRoute } from '../../core/routing.ts';
import type { Connection, MessageStatus, NewMessage } from '../../core/types.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { scriptedConnection } from '../helpers/scripted-connection.ts';

function conn(id: string, extra: Partial<Connection>): Connection {
  return {
    id,
    kind: 'test',
    start: async () => {},
    stop: async () => {},
    send: async () => ({}),
    status: () => ({ state: 'up', counters: {} }),
    ...extra,
  };
}

const text = { contentType: 'text/plain; charset=utf-8', data: Buffer.from('hello') };
const image = { contentType: 'image/png', name: 'a.png', data: Buffer.from([0x89, 0x50, 0x4e, 0x47]) };
const octets = { contentType: 'application/octet-stream', data: Buffer.from([1, 2, 3]) };
const sms = { from: '+15550001111', to: '+447700900123', kind: 'sms' as const, parts: [text], meta: {} };
const mms = { ...sms, kind: 'mms' as const, parts: [text, image] };
const binary = { ...sms, parts: [octets], meta: { sms: { coding: '8bit', ports: { source: 9200, destination: 2948 } } } };

describe('what a connection carries', () => {
  const smsOnly = conn('smsc', { anyTraffic: true });
  const textOnlyUk = conn('uk-text', { recipients: ['+44*'], carries: { sms: true } });
  const mmsc = conn('mmsc', { recipients: ['+4477*'], carries: { mms: true } });
  const binaryUk = conn('uk-binary', { recipients: ['+44*'], carries: { sms: true, binary: true } });

  it('an MMS never goes to an SMS-only connection, even the only one open to any traffic', () => {
    const r = chooseRoute(mms, [smsOnly]);
    expect(r).toEqual({ reason: expect.stringMatching(/carries MMS.*smsc carries text SMS, not MMS/) });
  });

  it('a mask whose connection cannot carry the message falls through to the next rule', () => {
    // The longest mask (+4477*) carries MMS only: a text SMS goes on to +44*, an MMS stays with it.
    expect(chooseRoute(sms, [mmsc, textOnlyUk])).toEqual({ id: 'uk-text' });
    expect(chooseRoute(mms, [mmsc, textOnlyUk])).toEqual({ id: 'mmsc' });
    // A sender rule too: the own-number connection cannot carry binary, the mask one can.
    const own = conn('own', { numbers: ['+15550001111'] });
    expect(chooseRoute(sms, [own, binaryUk])).toEqual({ id: 'own' });
    expect(chooseRoute(binary, [own, binaryUk])).toEqual({ id: 'uk-binary' });
  });

  it('a binary SMS (or one with ports) never goes to a connection that cannot send binary', () => {
    expect(chooseRoute(binary, [textOnlyUk])).toEqual({ reason: expect.stringMatching(/carries binary SMS/) });
    const portsOnly = conn('wap', { anyTraffic: true, carries: { binary: true, ports: [2948] } });
    expect(chooseRoute(binary, [portsOnly])).toEqual({ id: 'wap' });
    const other = { ...binary, meta: { sms: { ports: { source: 0, destination: 5000 } } } };
    expect(chooseRoute(other, [portsOnly])).toEqual({ reason: expect.stringMatching(/port 5000/) });
  });

  it('messages stored before meta.sms (meta.smpp) are still recognised as binary', () => {
    const old = { ...sms, parts: [octets], meta: { smpp: { dataCoding: 4, esmClass: 0x40 } } };
    expect(chooseRoute(old, [textOnlyUk])).toHaveProperty('reason');
    expect(chooseRoute(old, [binaryUk])).toEqual({ id: 'uk-binary' });
  });
});

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

async function waitForStatus(g: TestGateway, id: string, status: MessageStatus): Promise<void> {
  for (;;) {
    if ((await g.gateway.stores.messages.summary(id))?.status === status) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const mmsIn: NewMessage = { direction: 'MT', kind: 'mms', from: '+15550002222', to: '+447700900123', user: 'alice', via: 'test', parts: [text, image] };
const smsIn: NewMessage = { ...mmsIn, kind: 'sms', parts: [text] };

describe('no-route for what no connection carries', () => {
  it('an MMS waits as no-route with the reason, while an SMS goes out; it leaves once an MMS connection appears', async () => {
    const smsc = scriptedConnection('smsc', { anyTraffic: true });
    gw = await startTestGateway({ smtp: false, pop3: false, plugins: [smsc.plugin] });
    const [m, s] = await gw.gateway.submit([mmsIn, smsIn]);
    expect(m!.target).toBeUndefined();
    expect(s!.target).toEqual({ kind: 'connection', id: 'smsc' });
    await waitForStatus(gw, s!.id, 'sent');
    const summary = (await gw.gateway.stores.messages.summary(m!.id))!;
    expect(summary.status).toBe('no-route');
    expect(summary.history.at(-1)!.detail).toMatch(/no connection that takes \+447700900123 carries MMS \(smsc carries text SMS, not MMS\)/);
    expect(smsc.conn.sends.map((x) => x.id)).toEqual([s!.id]);

    const dataDir = gw.dataDir;
    await gw.stop();
    const again = scriptedConnection('smsc', { anyTraffic: true });
    const mmsc = scriptedConnection('mmsc', { recipients: ['+44*'], carries: { mms: true } });
    gw = await startTestGateway({ smtp: false, pop3: false, plugins: [again.plugin, mmsc.plugin], dataDir });
    await waitForStatus(gw, m!.id, 'sent');
    expect(mmsc.conn.sends.map((x) => x.id)).toEqual([m!.id]);
    expect(again.conn.sends).toHaveLength(0);
  });
});
