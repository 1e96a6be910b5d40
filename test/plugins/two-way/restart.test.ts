// A command waiting for its retry when the gateway stops is picked up by the next start, due from its last
// attempt, with the same idempotency key.
import { afterEach, describe, expect, it } from 'vitest';
import { twoWay } from '../../../plugins/two-way/index.ts';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import { waitFor } from '../../helpers/wait.ts';
import { startReceiver, text, type Receiver } from './receiver.ts';

let gw: TestGateway | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  await gw?.stop();
  await receiver?.stop();
  gw = receiver = undefined;
});

describe('retries across a restart', () => {
  it('a message left retrying is tried again after the restart and finishes', async () => {
    let up = false;
    receiver = await startReceiver({ '/flaky': (_c, res) => (up ? text(res, 'back again') : text(res, 'down', 503)) });
    const plugin = () =>
      twoWay({ retry: { maxAttempts: 5, firstDelaySeconds: 1, stepSeconds: 0 }, commands: [{ keyword: 'PING', action: `${receiver!.url}/flaky` }] });
    gw = await startTestGateway({ smtp: false, pop3: false, plugins: [plugin()] });
    const dataDir = gw.dataDir;
    const id = await gw.inject('+447700900301', '+15550001111', 'PING');
    await waitFor('the first attempt recorded', async () => (await gw!.gateway.stores.messages.summary(id))?.status === 'retrying');
    await gw.stop();
    gw = undefined;

    up = true;
    gw = await startTestGateway({ smtp: false, pop3: false, dataDir, plugins: [plugin()] });
    const done = await waitFor('the retry after the restart', async () => {
      const s = await gw!.gateway.stores.messages.summary(id);
      return s?.status === 'sent' ? s : undefined;
    });
    expect(done.history.map((h) => h.status)).toEqual(['received', 'retrying', 'sent']);
    expect(done.history[2]!.detail).toMatch(/^attempt 2: .*answered "back again"/);
    expect(receiver.to('/flaky').map((c) => c.headers['idempotency-key'])).toEqual([`nowsms-${id}`, `nowsms-${id}`]);
  });
});
