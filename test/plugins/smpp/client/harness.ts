// A real gateway with one SMSC connection to a simulator, and the waiting the tests need (by condition,
// never by elapsed time). Everything started here is stopped by `stop()`.
import nodemailer from 'nodemailer';
import { smppClient, type SmppClientOptions } from '../../../../plugins/smpp/index.ts';
import { startTestGateway, type TestGateway, type TestGatewayOptions, type TestUser } from '../../../helpers/gateway.ts';
import { SmscSimulator, type SimulatorOptions } from '../smsc-simulator/index.ts';
import { waitFor } from '../../../helpers/wait.ts';

export { waitFor };

export interface Harness {
  sim: SmscSimulator;
  gw: TestGateway;
  id: string;
  mail(to: string, text: string, user?: { name: string; password: string }): Promise<string>;
  status(): { state: string; detail?: string; counters: Record<string, number> };
  stop(): Promise<void>;
}

/** Retries with the gateway's schedule shortened, so a test sees a retry without waiting 30 s. */
export const FAST_RETRY = { maxAttempts: 20, firstDelaySeconds: 0.1, stepSeconds: 0.1, throttlePauseSeconds: 0.1 };

export const ALICE: TestUser = { name: 'alice', password: 'alice-pw', recipients: ['+15550002222'] };

export async function startHarness(
  opts: {
    sim?: SimulatorOptions;
    client?: Partial<SmppClientOptions>;
    gateway?: TestGatewayOptions;
    users?: TestUser[];
  } = {},
): Promise<Harness> {
  const sim = await SmscSimulator.start({ systemId: 'nowsms', password: 'secret', ...opts.sim });
  const id = opts.client?.id ?? 'smsc';
  let gw: TestGateway;
  try {
    gw = await startTestGateway({
      users: opts.users ?? [ALICE],
      ...opts.gateway,
      config: { retry: FAST_RETRY, ...opts.gateway?.config },
      plugins: [
        smppClient({
          id,
          host: '127.0.0.1',
          port: sim.port,
          systemId: 'nowsms',
          password: 'secret',
          anyTraffic: true,
          responseTimeoutSeconds: 2,
          reconnect: { initialSeconds: 0.05, maxSeconds: 0.5, factor: 2 },
          ...opts.client,
        }),
        ...(opts.gateway?.plugins ?? []),
      ],
    });
  } catch (e) {
    await sim.stop();
    throw e;
  }
  const status = () => gw.gateway.status()[id]!;
  const expectRefusal = (opts.client?.password !== undefined && opts.client.password !== 'secret') || opts.sim?.refuseBind;
  await waitFor('the bind', () => status().state === 'up' || expectRefusal);
  return {
    sim,
    gw,
    id,
    status,
    async mail(to, text, user = ALICE) {
      const t = nodemailer.createTransport({
        host: '127.0.0.1',
        port: gw.smtpPort,
        secure: false,
        ignoreTLS: true,
        auth: { user: user.name, pass: user.password },
      });
      const info = await t.sendMail({ from: `${user.name}@example.org`, to: `${to}@sms.localhost`, text });
      t.close();
      return info.response;
    },
    async stop() {
      await gw.stop();
      await sim.stop();
    },
  };
}

/** The id of the newest message the user sent. */
export async function lastSent(h: Harness, user = 'alice'): Promise<string> {
  const [m] = await h.gw.gateway.stores.messages.list({ user, limit: 1 });
  if (!m) throw new Error(`${user} sent nothing`);
  return m.id;
}
