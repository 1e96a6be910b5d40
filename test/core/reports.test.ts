import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { scriptedConnection } from '../helpers/scripted-connection.ts';

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

async function sentMessage(g: TestGateway) {
  const [a] = await g.gateway.submit([
    { direction: 'MT', kind: 'sms', from: '+15550002222', to: '+15550001111', parts: [{ contentType: 'text/plain; charset=utf-8', data: Buffer.from('hi') }] },
  ]);
  for (;;) {
    if ((await g.gateway.stores.messages.summary(a!.id))?.status === 'sent') return a!.id;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('delivery reports', () => {
  it('mark a sent message delivered, and keep reports that match nothing', async () => {
    const { plugin } = scriptedConnection('out', { anyTraffic: true });
    gw = await startTestGateway({ smtp: false, pop3: false, plugins: [plugin] });
    const id = await sentMessage(gw);
    expect(await gw.gateway.report({ connectionId: 'out', remoteId: 'r-1', outcome: 'delivered' })).toEqual({ messageId: id, status: 'delivered' });
    expect((await gw.gateway.stores.messages.summary(id))!.history.map((h) => h.status)).toEqual(['queued', 'sent', 'delivered']);
    expect(await gw.gateway.report({ connectionId: 'out', remoteId: 'nope', outcome: 'delivered' })).toBeUndefined();
    expect(await gw.gateway.report({ connectionId: 'elsewhere', remoteId: 'r-1', outcome: 'delivered' })).toBeUndefined();
  });

  it('a long message is delivered when every segment is, undeliverable when one fails', async () => {
    const { conn, plugin } = scriptedConnection('out', { anyTraffic: true });
    gw = await startTestGateway({ smtp: false, pop3: false, plugins: [plugin] });
    conn.send = async () => ({ remoteIds: ['a1', 'a2', 'a3'] });
    const id = await sentMessage(gw);
    expect((await gw.gateway.report({ connectionId: 'out', remoteId: 'a1', outcome: 'delivered' }))!.status).toBe('sent');
    expect((await gw.gateway.report({ connectionId: 'out', remoteId: 'a3', outcome: 'delivered' }))!.status).toBe('sent');
    expect((await gw.gateway.report({ connectionId: 'out', remoteId: 'a2', outcome: 'delivered' }))!.status).toBe('delivered');
    const history = (await gw.gateway.stores.messages.summary(id))!.history;
    expect(history.at(-1)!.detail).toMatch(/segment 2 of 3: delivered/);

    conn.send = async () => ({ remoteIds: ['b1', 'b2'] });
    const id2 = await sentMessage(gw);
    expect((await gw.gateway.report({ connectionId: 'out', remoteId: 'b2', outcome: 'undeliverable', detail: 'absent subscriber' }))!.status).toBe(
      'undeliverable',
    );
    expect((await gw.gateway.stores.messages.summary(id2))!.history.at(-1)!.detail).toMatch(/absent subscriber/);
  });
});
