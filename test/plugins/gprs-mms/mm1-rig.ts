// A gateway with a modem whose MMS side is on, wired to the MM1 simulators: the socat modem simulator
// (WAP push SMS go in through it), the MMSC and the WAP proxy in front of it. Retries are quick so that a
// test sees several of them; what a test asserts is what an operator sees: the pushes' and MMS' status and
// history (the store's listing), the mailboxes, what the MMSC and the proxy recorded, the status counters.
import type { MessageSummary, Message } from '../../../core/index.ts';
import { gprsMms, type GprsMmsOptions } from '../../../plugins/gprs-mms/index.ts';
import type { TestGateway, TestGatewayOptions } from '../../helpers/gateway.ts';
import { gateway, modemPlugin, modemRig, onCleanup, statusOf, waitFor, waitForState, type ModemRig } from '../gsm-modem/rig.ts';
import { HttpProxy, Mm1Mmsc, type HeldMms, type HttpProxyOptions, type Mm1MmscOptions, type PushSmsOptions } from './mm1-simulator/index.ts';

/** Short MM1 retries: 0.2 s, 0.4 s, ... up to 1 s; a request unanswered after 2 s is a failure. */
export const FAST_MM1: Partial<GprsMmsOptions> = { firstRetrySeconds: 0.2, maxRetrySeconds: 1, timeoutSeconds: 2 };
/** The gateway's own retry schedule (for MT MMS), shortened the same way. */
export const FAST_RETRY = { maxAttempts: 5, firstDelaySeconds: 0.1, stepSeconds: 0.1, throttlePauseSeconds: 0.1 };

export const MODEM = 'modem1';
export const CONNECTION = 'modem1-mms';
export const ALICE = { name: 'alice', password: 'alice-pw', recipients: ['+15550002222'] };
export const BOB = { name: 'bob', password: 'bob-pw', recipients: ['+15550003333'] };

export const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(900, 0x5a), Buffer.from([0xff, 0xd9])]);

export interface MmsRig {
  mmsc: Mm1Mmsc;
  proxy: HttpProxy;
  modem: ModemRig;
  gw: TestGateway;
  /** Stops the gateway (as `nowsms stop` does) and starts another on the same data dir and modem. */
  restart(): Promise<void>;
  /** A picture with a line of text, held at the MMSC for the modem's number. */
  hold(opts?: { subject?: string; expirySeconds?: number }): HeldMms;
  /** The WAP push SMS for a held MMS (or any MMS PDU), through the modem. */
  push(what: HeldMms | Buffer, opts?: PushSmsOptions): void;
  /** The MO SMS the modem stored (the pushes), oldest first. */
  pushes(): Promise<MessageSummary[]>;
  /** The MMS received (MO), oldest first. */
  received(): Promise<MessageSummary[]>;
  /** Waits for the n-th push (1-based) to be sent or failed: done with, one way or the other. */
  settled(n?: number): Promise<MessageSummary>;
  /** The messages in a user's mailbox, whole. */
  mailbox(user: string): Promise<Message[]>;
  counters(): Record<string, number>;
}

export async function mmsRig(
  opts: { plugin?: Partial<GprsMmsOptions>; gateway?: TestGatewayOptions; mmsc?: Mm1MmscOptions; proxy?: HttpProxyOptions } = {},
): Promise<MmsRig> {
  const mmsc = await Mm1Mmsc.start(opts.mmsc);
  onCleanup(() => mmsc.stop());
  const proxy = await HttpProxy.start(opts.proxy);
  onCleanup(() => proxy.stop());
  const modem = await modemRig();
  const start = async (dataDir?: string) => {
    const gw = await gateway({
      users: [ALICE, BOB],
      ...opts.gateway,
      ...(dataDir ? { dataDir } : {}),
      config: { retry: FAST_RETRY, ...opts.gateway?.config },
      plugins: [
        modemPlugin(MODEM, modem, { number: '+15550001111', routeTo: 'bob' }),
        gprsMms({ mmscUrl: mmsc.url, proxy: proxy.hostPort, routeTo: 'alice', anyTraffic: true, ...FAST_MM1, ...opts.plugin }),
        ...(opts.gateway?.plugins ?? []),
      ],
    });
    await waitForState(gw, MODEM, 'up');
    await modem.sim.waitForCommand(/^AT\+CNMI=/, 15_000);
    return gw;
  };
  const stores = () => rig.gw.gateway.stores;
  const mo = async (kind: 'sms' | 'mms') =>
    (await stores().messages.list({ direction: 'MO' })).filter((m) => m.kind === kind).sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
  const rig: MmsRig = {
    mmsc,
    proxy,
    modem,
    gw: await start(),
    async restart() {
      await rig.gw.stop();
      rig.gw = await start(rig.gw.dataDir);
    },
    hold: (o = {}) =>
      mmsc.hold({
        from: '+4790000001',
        to: '+15550001111',
        subject: o.subject ?? 'Beach',
        ...(o.expirySeconds !== undefined ? { expirySeconds: o.expirySeconds } : {}),
        parts: [
          { contentType: 'text/plain; charset=utf-8', contentId: 'text', name: 'text.txt', data: Buffer.from('Sun and sand') },
          { contentType: 'image/jpeg', contentId: 'photo', name: 'beach.jpg', data: JPEG },
        ],
      }),
    push(what, o) {
      const sms = mmsc.pushSms(Buffer.isBuffer(what) ? what : what.notification, o);
      for (const p of sms.pdus) modem.sim.deliverPdu(p.pdu);
    },
    pushes: () => mo('sms'),
    received: () => mo('mms'),
    settled: (n = 1) =>
      waitFor(`push ${n} sent or failed`, async () => {
        const p = (await mo('sms'))[n - 1];
        return p && (p.status === 'sent' || p.status === 'failed') ? p : undefined;
      }),
    async mailbox(user) {
      const entries = await stores().mailboxes.list(user);
      return Promise.all(entries.map(async (e) => (await stores().messages.get(e.messageId))!));
    },
    counters: () => statusOf(rig.gw, CONNECTION).counters,
  };
  return rig;
}

/** The history's details, for the statuses named (all when none). */
export function details(m: MessageSummary, ...statuses: string[]): string[] {
  return m.history.filter((h) => statuses.length === 0 || statuses.includes(h.status)).map((h) => `${h.status}: ${h.detail ?? ''}`);
}
