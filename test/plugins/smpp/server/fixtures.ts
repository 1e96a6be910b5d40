// A gateway with the SMPP server and users for its tests, plus a stand-in outbound connection that
// "sends" by remembering, so that submits get a remote id and delivery reports can be driven at them.
import { afterEach } from 'vitest';
import { SendError, type NowsmsPlugin, type QueueEntry } from '../../../../core/index.ts';
import { smppServer, type SmppServerOptions } from '../../../../plugins/smpp/server/index.ts';
import { startTestGateway, type TestGateway, type TestGatewayOptions } from '../../../helpers/gateway.ts';
import { SmppTestClient, smppPort, type BindCommand } from './client.ts';

export const ALICE = { name: 'alice', password: 'pw-alice', smppLogin: true, smtpLogin: true, recipients: ['+15550001111'] };
export const BOB = { name: 'bob', password: 'pw-bob', smppLogin: true, smtpLogin: true, recipients: ['+15550003333'] };
/** Can use SMTP and POP3 but not SMPP. */
export const CAROL = { name: 'carol', password: 'pw-carol', smppLogin: false, smtpLogin: true, recipients: ['+15550005555'] };
/** SMPP only from one address that is not the tests'. */
export const DAVE = { name: 'dave', password: 'pw-dave', smppLogin: true, smtpLogin: true, recipients: [], allowIps: ['10.9.8.7'] };
export const ERIN = { name: 'erin', password: 'pw-erin', smppLogin: true, smtpLogin: true, recipients: [], forcedSender: '+15550007777' };
export const PHONE = '+15550002222';

export interface Sink {
  plugin: NowsmsPlugin;
  sent: QueueEntry[];
  /** What the next sends do: succeed, or fail for good. */
  mode: 'ok' | 'permanent';
}

/** An outbound connection open to any traffic whose remote id for a message is `r-<message id>`. */
export function sink(): Sink {
  const s: Sink = {
    sent: [],
    mode: 'ok',
    plugin: {
      name: 'test-sink',
      setup(api) {
        api.connection({
          id: 'sink',
          kind: 'test',
          anyTraffic: true,
          window: 10,
          async start() {},
          async stop() {},
          async send(entry) {
            if (s.mode === 'permanent') throw new SendError('permanent', 'refused by the test SMSC');
            s.sent.push(entry);
            return { remoteIds: [`r-${entry.messageId}`] };
          },
          status: () => ({ state: 'up', counters: {} }),
        });
      },
    },
  };
  return s;
}

const gateways: TestGateway[] = [];
const clients: SmppTestClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  for (const g of gateways.splice(0)) await g.stop();
});

export async function gateway(server: SmppServerOptions = {}, opts: TestGatewayOptions = {}): Promise<TestGateway> {
  const g = await startTestGateway({
    users: [ALICE, BOB, CAROL, DAVE, ERIN],
    ...opts,
    plugins: [smppServer({ port: 0, ...server }), ...(opts.plugins ?? [])],
  });
  gateways.push(g);
  return g;
}

export async function connect(g: TestGateway): Promise<SmppTestClient> {
  const c = await SmppTestClient.connect(smppPort(g));
  clients.push(c);
  return c;
}

/** Connect and bind, expecting success. */
export async function bind(
  g: TestGateway,
  command: BindCommand = 'bind_transceiver',
  user: { name: string; password: string } = ALICE,
): Promise<SmppTestClient> {
  const c = await connect(g);
  const resp = await c.request(command, { system_id: user.name, password: user.password, interface_version: 0x34 });
  if (resp.command_status !== 0) throw new Error(`bind ${user.name} failed with 0x${resp.command_status.toString(16)}`);
  return c;
}

/** A plain GSM text submit from alice's number to PHONE. */
export function textSubmit(text: string, extra: Record<string, unknown> = {}) {
  return {
    source_addr: '15550001111',
    source_addr_ton: 1,
    source_addr_npi: 1,
    destination_addr: PHONE.slice(1),
    dest_addr_ton: 1,
    dest_addr_npi: 1,
    data_coding: 0,
    short_message: Buffer.from(text, 'latin1'),
    ...extra,
  };
}
