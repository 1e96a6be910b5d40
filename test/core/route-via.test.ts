// NewMessage.routeVia: an MT goes over the named connection when it sends and carries the message, ahead of
// the route hook (a number in a user's recipient addresses); otherwise it is routed as if it were absent.
import { afterEach, describe, expect, it } from 'vitest';
import { definePlugin, type Connection } from '../../core/index.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

function link(id: string, extra: Partial<Connection> = {}): Connection {
  return { id, kind: 'test', start: async () => {}, stop: async () => {}, send: async () => ({}), status: () => ({ state: 'up', counters: {} }), ...extra };
}

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

describe('routeVia', () => {
  it('names the connection an MT goes over; one that cannot carry it, or does not send, is passed over', async () => {
    gw = await startTestGateway({
      users: [{ name: 'bob', password: 'pw', recipients: ['+447700900123'] }],
      smtp: false,
      pop3: false,
      plugins: [
        definePlugin({
          name: 'links',
          setup(api) {
            api.connection(link('any', { anyTraffic: true }));
            api.connection(link('modem2'));
            api.connection(link('mms-only', { carries: { mms: true } }));
            api.connection({ ...link('server'), send: undefined });
          },
        }),
      ],
    });
    const text = [{ contentType: 'text/plain; charset=utf-8', data: Buffer.from('hi') }];
    const mt = (routeVia: string, to = '+447700900999') =>
      gw!.gateway.submit([{ direction: 'MT', kind: 'sms', from: '+15550001111', to, parts: text, routeVia }]).then(([a]) => a!.target);
    expect(await mt('modem2')).toEqual({ kind: 'connection', id: 'modem2' });
    // Ahead of the recipient-address route: a reply to bob's phone goes out, not into bob's mailbox.
    expect(await mt('modem2', '+447700900123')).toEqual({ kind: 'connection', id: 'modem2' });
    expect(await mt('mms-only')).toEqual({ kind: 'connection', id: 'any' });
    expect(await mt('server')).toEqual({ kind: 'connection', id: 'any' });
    expect(await mt('nonesuch')).toEqual({ kind: 'connection', id: 'any' });
  });
});
