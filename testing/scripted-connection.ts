// An outbound connection driven by the test: it records what the gateway asks it to send, fails the next
// sends when told to, and hands the gateway messages as if it had received them from the network.
import {
  definePlugin,
  SendError,
  type Accepted,
  type Carries,
  type ConnectionContext,
  type ConnectionState,
  type DeliveryReport,
  type Message,
  type MessageKind,
  type NowsmsPlugin,
  type Part,
  type QueueEntry,
  type SendFailure,
  type SendResult,
} from 'nowsms';

export interface ScriptedConnectionOptions {
  /** The connection's id (the `via` of what it receives, the target of what it sends). Default `scripted`. */
  id?: string;
  /** Outbound routing, as a real link's: a sender equal to one of these selects it. */
  numbers?: string[];
  /** Outbound routing: recipient masks such as `+44*`. */
  recipients?: string[];
  /** Takes any MT traffic no other rule placed. Default: true when neither `numbers` nor `recipients` is given. */
  anyTraffic?: boolean;
  /** Sends at once (default 1). */
  window?: number;
  /** What it carries (default: text SMS, binary SMS and MMS). */
  carries?: Carries;
}

/** One send the gateway asked for, and what the connection answered. */
export interface ScriptedSend {
  messageId: string;
  from: string;
  to: string;
  /** The text parts, joined. */
  text: string;
  /** Attempts made before this one (0 for the first). */
  attempts: number;
  message: Message;
  /** `sent`, or the failure it was scripted to answer. */
  outcome: 'sent' | SendFailure;
}

export interface ScriptedFailure {
  /** How many of the next sends fail this way (default 1). */
  times?: number;
  /** The error's message (it lands in the message's history). */
  message?: string;
  /** For `throttled`: how long the dispatcher pauses the connection. */
  pauseMs?: number;
  /** For `temporary`: when to try again instead of the retry schedule's time. */
  retryAt?: Date;
}

/** What a test hands `receive`: an SMS text, or parts. */
export interface ScriptedReceive {
  from: string;
  to: string;
  text?: string;
  parts?: Part[];
  kind?: MessageKind;
  subject?: string;
  meta?: Record<string, unknown>;
  idempotencyKey?: string;
}

/** A plug-in (put it in `plugins`) with the handles a test drives it by. */
export interface ScriptedConnection extends NowsmsPlugin {
  readonly id: string;
  /** Every send the gateway asked for, failed ones included, in order. */
  readonly sends: readonly ScriptedSend[];
  /** The sends it accepted. */
  readonly sent: readonly ScriptedSend[];
  /** Fail the next send(s) with SendError of this kind (queued after earlier scripted failures). */
  failNext(failure: SendFailure, opts?: ScriptedFailure): void;
  /** A message as if received from the network (MO, `via` this connection): resolves once committed. */
  receive(message: ScriptedReceive): Promise<Accepted>;
  /** A delivery report for a message it sent (its remote id is the message id). */
  report(messageId: string, outcome?: DeliveryReport['outcome'], detail?: string): Promise<void>;
  /** The state `nowsms status` shows (`up` once started); a test may set `down` to look like a lost link. */
  setState(state: ConnectionState): void;
  /** Resolves once it has been asked for `count` sends in all (failed ones included). */
  waitForSends(count: number, timeoutMs?: number): Promise<ScriptedSend[]>;
}

const textOf = (parts: Part[]) =>
  parts
    .filter((p) => p.contentType.startsWith('text/plain'))
    .map((p) => p.data.toString('utf8'))
    .join('');

/** An outbound connection scripted by the test, for testing a plug-in against the gateway's real queue. */
export function scriptedConnection(options: ScriptedConnectionOptions = {}): ScriptedConnection {
  const id = options.id ?? 'scripted';
  const sends: ScriptedSend[] = [];
  const script: { failure: SendFailure; opts: ScriptedFailure }[] = [];
  const watchers = new Set<() => void>();
  let state: ConnectionState = 'stopped';
  let ctx: ConnectionContext | undefined;
  const started = () => {
    if (!ctx) throw new Error(`scripted connection ${id} is not started: start the gateway first`);
    return ctx;
  };

  const plugin = definePlugin({
    name: `scripted-${id}`,
    setup(api) {
      api.connection({
        id,
        kind: 'scripted',
        ...(options.numbers ? { numbers: options.numbers } : {}),
        ...(options.recipients ? { recipients: options.recipients } : {}),
        anyTraffic: options.anyTraffic ?? (!options.numbers && !options.recipients),
        ...(options.window ? { window: options.window } : {}),
        carries: options.carries ?? { sms: true, binary: true, mms: true },
        async start(c) {
          ctx = c;
          state = 'up';
        },
        async stop() {
          state = 'stopped';
          ctx = undefined;
        },
        status: () => ({ state, counters: { sends: sends.length } }),
        async send(entry: QueueEntry): Promise<SendResult> {
          const step = script[0];
          if (step && --step.opts.times! <= 0) script.shift();
          const m = entry.message;
          sends.push({
            messageId: m.id,
            from: m.from,
            to: m.to,
            text: textOf(m.parts),
            attempts: entry.attempts,
            message: m,
            outcome: step?.failure ?? 'sent',
          });
          for (const w of watchers) w();
          if (!step) return { remoteIds: [m.id] };
          const { message, pauseMs, retryAt } = step.opts;
          throw new SendError(step.failure, message ?? `scripted ${step.failure} failure`, {
            ...(pauseMs === undefined ? {} : { pauseMs }),
            ...(retryAt === undefined ? {} : { retryAt }),
          });
        },
      });
    },
  });

  const handles: Omit<ScriptedConnection, keyof NowsmsPlugin> = {
    id,
    sends,
    get sent() {
      return sends.filter((s) => s.outcome === 'sent');
    },
    failNext(failure: SendFailure, opts: ScriptedFailure = {}) {
      script.push({ failure, opts: { ...opts, times: opts.times ?? 1 } });
    },
    async receive(m: ScriptedReceive) {
      const parts = m.parts ?? [{ contentType: 'text/plain; charset=utf-8', data: Buffer.from(m.text ?? '', 'utf8') }];
      const [accepted] = await started().submit([
        {
          direction: 'MO',
          kind: m.kind ?? 'sms',
          from: m.from,
          to: m.to,
          parts,
          via: id,
          ...(m.subject === undefined ? {} : { subject: m.subject }),
          ...(m.meta === undefined ? {} : { meta: m.meta }),
          ...(m.idempotencyKey === undefined ? {} : { idempotencyKey: m.idempotencyKey }),
        },
      ]);
      return accepted!;
    },
    async report(messageId: string, outcome: DeliveryReport['outcome'] = 'delivered', detail?: string) {
      await started().report({ remoteId: messageId, outcome, ...(detail === undefined ? {} : { detail }) });
    },
    setState(s: ConnectionState) {
      state = s;
    },
    waitForSends(count: number, timeoutMs = 20_000) {
      if (sends.length >= count) return Promise.resolve(sends.slice());
      return new Promise<ScriptedSend[]>((resolve, reject) => {
        const check = () => {
          if (sends.length < count) return;
          watchers.delete(check);
          clearTimeout(timer);
          resolve(sends.slice());
        };
        const timer = setTimeout(() => {
          watchers.delete(check);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${count} sends on ${id}; it had ${sends.length}`));
        }, timeoutMs);
        watchers.add(check);
      });
    },
  };
  // Descriptors, not Object.assign: `sent` stays a getter.
  return Object.defineProperties(plugin, Object.getOwnPropertyDescriptors(handles)) as ScriptedConnection;
}
