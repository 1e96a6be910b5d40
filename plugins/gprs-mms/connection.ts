// The gprs-mms connection: one queue for a modem's MM1 work. What it sends is an MT MMS (an m-send-req) or a
// WAP push the plug-in claimed from its modem (a notification to fetch, a delivery report to record): the
// queue keeps both across crashes and retries them on its schedule.
import { SendError, decodeMms, type Connection, type ConnectionContext, type Logger, type MmsPdu, type QueueEntry, type SendResult } from 'nowsms';
import { DataLink } from './link.ts';
import { mm1Request } from './mm1/http.ts';
import { report } from './mm1/report.ts';
import { retrieve } from './mm1/retrieve.ts';
import { send } from './mm1/send.ts';
import type { Mm1Counters, Mm1Deps } from './mm1/transport.ts';
import type { ResolvedGprsMmsOptions } from './options.ts';
import { WapPushReceiver } from './push/index.ts';

export class GprsMmsConnection implements Connection {
  readonly kind = 'gprs-mms';
  readonly numbers: string[];
  readonly recipients: string[];
  readonly anyTraffic: boolean;
  readonly window = 2;
  readonly carries = { mms: true };
  options?: Readonly<Record<string, unknown>>;
  private context: ConnectionContext | undefined;
  private readonly link: DataLink;
  private readonly receiver: WapPushReceiver;
  /** Reads a push again on a retry without counting it again (the receiver counted and logged it once). */
  private readonly rereader = new WapPushReceiver();
  private readonly counters: Mm1Counters = { retrieved: 0, retrieveFailed: 0, mmsSent: 0, sendFailed: 0, reports: 0, ignored: 0 };
  private readonly deps: Mm1Deps;

  constructor(
    readonly id: string,
    private readonly opts: ResolvedGprsMmsOptions,
    private readonly log: Logger,
  ) {
    this.numbers = opts.numbers;
    this.recipients = opts.recipients;
    this.anyTraffic = opts.anyTraffic;
    this.link = new DataLink(opts, log);
    this.receiver = new WapPushReceiver(log);
    const http = {
      ...(opts.proxy ? { proxy: opts.proxy } : {}),
      userAgent: opts.userAgent,
      uaProfile: opts.uaProfile,
      timeoutMs: opts.timeoutSeconds * 1000,
      maxBytes: opts.maxRetrieveBytes,
    };
    this.deps = {
      opts,
      id,
      mmscUrl: new URL(opts.mmscUrl),
      request: (req, signal) => this.link.use((localAddress) => mm1Request({ ...http, ...(localAddress ? { localAddress } : {}) }, req, signal)),
      ctx: () => {
        if (!this.context) throw new SendError('temporary', `${id} is not started`);
        return this.context;
      },
      log,
      counters: this.counters,
    };
  }

  async start(ctx: ConnectionContext): Promise<void> {
    this.context = ctx;
    this.log.info(
      { mmsc: this.opts.mmscUrl, proxy: this.opts.proxy ? `${this.opts.proxy.host}:${this.opts.proxy.port}` : 'none', link: this.link.state },
      'gprs-mms: ready (MM1 over the data link)',
    );
  }

  async stop(): Promise<void> {
    await this.link.stop();
    this.context = undefined;
  }

  async send(entry: QueueEntry, signal: AbortSignal): Promise<SendResult> {
    const m = entry.message;
    if (m.direction === 'MT') {
      if (m.kind !== 'mms') throw new SendError('permanent', `${this.id} sends MMS only`);
      return send(this.deps, m, entry.messageId, signal);
    }
    const outcome = (entry.attempts === 0 ? this.receiver : this.rereader).fromMessage(m);
    switch (outcome.kind) {
      case 'not-push':
        throw new SendError('permanent', 'not a WAP push (an SMS to port 2948): nothing for gprs-mms to do');
      case 'incomplete':
        throw new SendError('permanent', 'a WAP push with segments missing: dropped (the MMSC announces the MMS again)');
      case 'malformed':
        throw new SendError('permanent', `not a WAP push: ${outcome.error.message} (offset ${outcome.error.offset})`);
      case 'not-mms':
        this.counters.ignored++;
        return { detail: `ignored: a WAP push for ${String(outcome.push.applicationId ?? outcome.push.contentType)}, not MMS` };
    }
    let pdu: MmsPdu;
    try {
      pdu = decodeMms(outcome.push.body);
    } catch (e) {
      throw new SendError('permanent', `the MMS push carries no readable PDU: ${(e as Error).message}`);
    }
    switch (pdu.messageType) {
      case 'm-notification-ind':
        return retrieve(this.deps, entry, pdu, signal);
      case 'm-delivery-ind':
      case 'm-read-orig-ind':
        return report(this.deps, pdu);
      default:
        this.counters.ignored++;
        return { detail: `ignored: an MMS push carrying an ${pdu.messageType}` };
    }
  }

  status() {
    const { pushes, ...pushKinds } = this.receiver.counters;
    const counters = { ...this.counters, pushes, ...prefixed('push', pushKinds), ...prefixed('link', this.link.counters) };
    if (!this.context) return { state: 'stopped' as const, detail: this.opts.mmscUrl, counters };
    return { state: 'up' as const, detail: `${this.opts.mmscUrl} (data link ${this.link.state})`, counters };
  }
}

function prefixed(prefix: string, counters: object): Record<string, number> {
  return Object.fromEntries(Object.entries(counters).map(([k, v]) => [`${prefix}${k[0]!.toUpperCase()}${k.slice(1)}`, v as number]));
}
