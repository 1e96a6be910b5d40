// The modem as a gateway connection, and its state machine:
//
//   open port -> sync (AT until OK) -> start-up dialogue -> up
//   up, then out of step (timeout, stray answer, garbage burst) or a reboot  -> sync + start-up again, same port
//   start-up failing three times in a row, or no answer to AT                -> close the port, reopen with backoff
//   port gone (unplugged)                                                    -> reopen with backoff
//   wrong PIN, blocked SIM, no PDU mode                                      -> down until the operator restarts
//
// The connection's status says which of these is happening, in words an operator can act on.
import type { Connection, ConnectionContext, ConnectionState, ConnectionStatus, Logger, QueueEntry, SendResult } from 'nowsms';
import { isRestartIndication } from './at/classify.ts';
import type { Unsolicited } from './at/engine.ts';
import { AtCommandError } from './at/errors.ts';
import { FatalModemError, RetryLaterError } from './faults.ts';
import { describeRegistration, initialise } from './init.ts';
import type { ResolvedGsmModemOptions } from './options.ts';
import { PinGuard } from './pin.ts';
import { RateGate } from './rate.ts';
import { indicationOf, Receiver } from './receive.ts';
import { Sender } from './send.ts';
import { ModemSms } from './service.ts';
import { Session } from './session.ts';
import { Upkeep } from './upkeep.ts';

type Outcome = { kind: 'fatal'; detail: string } | { kind: 'retry'; detail: string; reachedUp: boolean } | { kind: 'stopped' };

export interface ModemDeps {
  log: Logger;
  /** The config's numbering rules (api.normalizeAddress). */
  normalize(address: string): string;
  /** The modem's own number, normalised, if configured. */
  number: string | undefined;
}

const START_UP_FAILURES_BEFORE_REOPEN = 3;

const seconds = (ms: number) => (ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`);
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class Modem implements Connection {
  readonly kind = 'gsm-modem';
  readonly window = 1;
  readonly id: string;
  readonly numbers: string[];
  readonly recipients: string[];
  readonly anyTraffic: boolean;
  /** Text and binary SMS (8-bit, ports); never MMS, whose attachments an SMS would lose. */
  readonly carries = { sms: true, binary: true };
  options?: Readonly<Record<string, unknown>>;
  /** The `modem-sms` service other plug-ins use (see service.ts). */
  readonly service: ModemSms;

  private state: ConnectionState = 'stopped';
  private detail: string | undefined;
  private ctx: ConnectionContext | undefined;
  private running = false;
  private everUp = false;
  private loop: Promise<void> | undefined;
  private session: Session | undefined;
  /** The current session finished its start-up: receiving may use it. */
  private ready = false;
  private registered = true;
  /** The detail of the last start-up, shown again when the network comes back. */
  private upDetail: string | undefined;
  /** The modem answered AT+CNMA with an error this session: it does not want acknowledgements. */
  private ackRefused = false;
  private storage: string | undefined;
  private reportedNumber: string | undefined;
  private readonly background = new Set<Promise<unknown>>();
  private readonly stopWaiters = new Set<() => void>();
  private readonly pin = new PinGuard();
  private readonly log: Logger;
  private finishedTimeouts = 0;
  private readonly receiver: Receiver;
  private readonly sender: Sender;
  private readonly upkeep: Upkeep;
  readonly counters = {
    smsSent: 0,
    sendErrors: 0,
    received: 0,
    segments: 0,
    reports: 0,
    undecodable: 0,
    kept: 0,
    resets: 0,
    reconnects: 0,
    garbage: 0,
    unsolicited: 0,
  };

  constructor(
    private readonly opts: ResolvedGsmModemOptions,
    private readonly deps: ModemDeps,
  ) {
    this.id = opts.id;
    this.numbers = deps.number ? [deps.number] : [];
    this.recipients = opts.recipients;
    this.anyTraffic = opts.anyTraffic;
    this.log = deps.log.child({ modem: opts.id });
    this.receiver = new Receiver({
      id: opts.id,
      ctx: () => this.ctx,
      sms: () => (this.ready ? this.session?.sms : undefined),
      ownNumber: () => deps.number ?? this.reportedNumber ?? '0',
      normalize: (a) => deps.normalize(a),
      routeTo: opts.routeTo,
      acknowledge: () => this.acknowledge(),
      log: this.log,
      counters: this.counters,
      portSms: (id, port) => void this.track(this.service.received(id, port)),
    });
    this.sender = new Sender({
      id: opts.id,
      sms: () => (this.ready ? this.session?.sms : undefined),
      notReady: () => (this.state === 'up' ? undefined : (this.detail ?? this.state)),
      rate: new RateGate(opts.sendsPerMinute),
      statusReports: opts.statusReports,
      validityMinutes: opts.validityMinutes,
      throttlePauseMs: opts.throttlePauseSeconds * 1000,
      counters: this.counters,
    });
    this.service = new ModemSms({
      id: opts.id,
      sender: this.sender,
      stores: () => this.ctx?.stores,
      ownNumber: () => deps.number ?? this.reportedNumber ?? '',
      log: this.log,
    });
    this.upkeep = new Upkeep({
      id: opts.id,
      opts,
      log: this.log,
      receiver: this.receiver,
      ctx: () => this.ctx,
      ready: () => this.ready,
      storage: () => this.storage,
      registration: (stat) => this.onRegistration(stat),
      flushed: (count) => (this.counters.received += count),
      track: (p) => this.track(p),
    });
  }

  async start(ctx: ConnectionContext): Promise<void> {
    // Never blocks the gateway's start: a modem that is absent or slow comes up on its own time.
    this.ctx = ctx;
    this.running = true;
    this.set('starting', `opening ${this.opts.path}`);
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const w of [...this.stopWaiters]) w();
    // Let a message being taken finish its delete: stopped between commit and AT+CMGD, it would be read
    // (and delivered) again at the next start.
    this.upkeep.stop();
    this.receiver.clear();
    await Promise.race([this.receiver.idle(), new Promise((r) => setTimeout(r, this.opts.commandTimeoutMs * 2).unref())]);
    this.session?.engine.close('the gateway is stopping');
    this.session?.trip('the gateway is stopping');
    await this.loop;
    while (this.background.size) await Promise.allSettled([...this.background]);
    this.set('stopped', undefined);
  }

  send(entry: QueueEntry, signal: AbortSignal): Promise<SendResult> {
    return this.sender.send(entry, signal);
  }

  status(): ConnectionStatus {
    const timeouts = this.finishedTimeouts + (this.session?.engine.counters.timeouts ?? 0);
    return { state: this.state, ...(this.detail ? { detail: this.detail } : {}), counters: { ...this.counters, timeouts } };
  }

  private set(state: ConnectionState, detail: string | undefined): void {
    if (state === this.state && detail === this.detail) return;
    this.state = state;
    this.detail = detail;
    this.log.debug({ state, detail }, 'gsm-modem: state');
  }

  private async run(): Promise<void> {
    const { firstMs, maxMs } = this.opts.reconnect;
    let delay = firstMs;
    while (this.running) {
      const outcome = await this.connectOnce();
      if (!this.running || outcome.kind === 'stopped') break;
      if (outcome.kind === 'fatal') {
        this.set('down', outcome.detail);
        this.log.error({ reason: outcome.detail }, 'gsm-modem: the modem needs the operator; not retrying');
        await this.pause(Number.POSITIVE_INFINITY);
        break;
      }
      if (outcome.reachedUp) delay = firstMs;
      this.counters.reconnects++;
      this.set('retrying', `${outcome.detail}; reconnecting in ${seconds(delay)}`);
      this.log.warn({ reason: outcome.detail, retryInMs: delay }, 'gsm-modem: connection lost');
      await this.pause(delay);
      delay = Math.min(delay * 2, maxMs);
    }
  }

  /** Resolves after ms, or at once when the gateway stops. */
  private pause(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.stopWaiters.delete(done);
        resolve();
      };
      const t = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
      this.stopWaiters.add(done);
    });
  }

  private async connectOnce(): Promise<Outcome> {
    this.set(this.everUp ? 'retrying' : 'starting', `opening ${this.opts.path}`);
    let s: Session;
    try {
      s = await Session.open({
        path: this.opts.path,
        baudRate: this.opts.baudRate,
        commandTimeoutMs: this.opts.commandTimeoutMs,
        sendTimeoutMs: this.opts.sendTimeoutMs,
        log: this.log,
        unsolicited: (session, u) => this.onUnsolicited(session, u),
        garbage: (text) => {
          this.counters.garbage++;
          this.log.debug({ text }, 'gsm-modem: garbage on the line');
        },
      });
    } catch (e) {
      return { kind: 'retry', detail: `cannot open ${this.opts.path} (${message(e)})`, reachedUp: false };
    }
    this.session = s;
    try {
      return await this.runSession(s);
    } finally {
      this.ready = false;
      this.upkeep.stop();
      this.receiver.clear();
      this.finishedTimeouts += s.engine.counters.timeouts;
      this.session = undefined;
      await s.close();
    }
  }

  private async runSession(s: Session): Promise<Outcome> {
    let reachedUp = false;
    let failures = 0;
    const vanished = (): Outcome => ({ kind: 'retry', detail: `port ${this.opts.path} vanished`, reachedUp });
    while (this.running) {
      s.rearm();
      if (s.gone) return vanished();
      const phase: ConnectionState = this.everUp ? 'retrying' : 'starting';
      try {
        this.set(phase, 'synchronising with the modem');
        if (!(await s.engine.sync())) return s.gone ? vanished() : { kind: 'retry', detail: 'the modem does not answer AT', reachedUp };
        const res = await initialise({
          engine: s.engine,
          sms: s.sms,
          opts: this.opts,
          pin: this.pin,
          log: this.log,
          detail: (text) => this.set(phase, text),
          sleep: (ms) => s.sleep(ms),
        });
        if (s.tripped) throw new Error(s.tripped);
        this.ackRefused = false;
        this.storage = res.storage;
        this.reportedNumber = res.ownNumber;
        this.ready = true;
        this.registered = true;
        this.everUp = true;
        reachedUp = true;
        failures = 0;
        this.upDetail = `${res.registration}; storage ${res.storage ?? 'modem default'}; ${res.indications ? `indications ${res.indications}` : 'polling only'}`;
        this.set('up', this.upDetail);
        this.log.info({ detail: this.detail }, 'gsm-modem: modem up');
        this.ctx?.kick(this.id);
        this.upkeep.start(s);
        const reason = await s.wait();
        this.ready = false;
        this.upkeep.stop();
        this.receiver.clear();
        if (!this.running) return { kind: 'stopped' };
        if (s.gone) return vanished();
        this.counters.resets++;
        this.log.warn({ reason }, 'gsm-modem: resetting the modem');
        this.set('retrying', `resetting: ${reason}`);
      } catch (e) {
        if (!this.running) return { kind: 'stopped' };
        if (e instanceof FatalModemError) return { kind: 'fatal', detail: e.message };
        if (s.gone) return vanished();
        if (e instanceof RetryLaterError) return { kind: 'retry', detail: e.message, reachedUp };
        failures++;
        this.counters.resets++;
        this.log.warn({ err: message(e), failures }, 'gsm-modem: start-up failed');
        if (failures >= START_UP_FAILURES_BEFORE_REOPEN) return { kind: 'retry', detail: `start-up keeps failing (${message(e)})`, reachedUp };
        this.set('retrying', `start-up failed (${message(e)}); resetting`);
      }
    }
    return { kind: 'stopped' };
  }

  private onUnsolicited(s: Session, u: Unsolicited): void {
    this.counters.unsolicited++;
    const p = u.prefix;
    if (p === '+CMTI' || p === '+CDSI') {
      const at = indicationOf(u.line);
      // Before start-up completes the modem is not ours to read: the listing at the end finds it.
      if (at && this.ready && (p === '+CDSI' || this.opts.receive)) this.receiver.stored(at.mem, at.index);
      return;
    }
    if (p === '+CMT' || p === '+CDS') {
      if (u.pdu && this.ready && (p === '+CDS' || this.opts.receive)) this.receiver.direct(u.line, u.pdu);
      else this.log.warn({ line: u.line, pdu: u.pdu }, 'gsm-modem: a message delivered on the line could not be taken now');
      return;
    }
    if (this.ready && isRestartIndication(u.line)) {
      s.trip(`the modem restarted (${u.line})`);
      return;
    }
    this.log.debug({ line: u.line }, 'gsm-modem: unsolicited line ignored');
  }

  /**
   * 27.005 wants AT+CNMA for +CMT/+CDS only under AT+CSMS=1, but some firmware wants it regardless and
   * stops delivering until it comes; an unwanted one costs an error reply, once per session.
   */
  private async acknowledge(): Promise<void> {
    const sms = this.ready ? this.session?.sms : undefined;
    if (!sms || this.ackRefused) return;
    try {
      await sms.acknowledge();
    } catch (e) {
      if (!(e instanceof AtCommandError)) throw e;
      this.ackRefused = true;
      this.log.debug({ result: e.message }, 'gsm-modem: the modem does not want AT+CNMA');
    }
  }

  /** A registration reading while up: no network means nothing can be sent, but the SIM is still read. */
  private onRegistration(stat: number | undefined): void {
    const ok = stat === 1 || stat === 5;
    if (ok === this.registered || !this.ready) return;
    this.registered = ok;
    if (ok) {
      this.set('up', this.upDetail);
      this.ctx?.kick(this.id);
    } else this.set('retrying', `lost the network: ${describeRegistration(stat)}`);
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.background.add(p);
    void p.finally(() => this.background.delete(p)).catch(() => {});
    return p;
  }
}
