// One client connection: framing, the request/response bookkeeping in both directions, flow control and
// timers. What each PDU means is dispatch.ts's job; this file only keeps one client from hurting others:
// a broken frame closes only its own socket, a flood stops being read (TCP pushes back on that client
// alone), a client that does not read our answers stops being read too, and a silent one is closed.
import type net from 'node:net';
import smpp, { type CommandName, type PDU, type PDUFields } from 'smpp';
import type { StoredUser } from 'nowsms';
import { flushWrites, writeBatched } from '../shared/batched-write.ts';
import { PduReader, type GoodFrame } from '../shared/framing.ts';

export type BindMode = 'transmitter' | 'receiver' | 'transceiver';

export interface SessionSettings {
  maxPending: number;
  maxBadPdus: number;
  enquireLinkMs: number;
  idleTimeoutMs: number;
  responseTimeoutMs: number;
}

export interface SessionEvents {
  /** A request PDU (never a response), with its raw layout. Resolves when it has been answered. */
  request(session: Session, frame: GoodFrame): Promise<void>;
  /** A PDU we could not take: counted, and logged with its bytes. */
  bad(session: Session, reason: string, bytes: Buffer): void;
  closed(session: Session): void;
  /** The session is bound (the front door's bind deadline stops). */
  bound?(session: Session): void;
}

interface Outstanding {
  command: string;
  deadline: number;
  resolve(pdu: PDU): void;
  reject(err: Error): void;
}

/** Write-side backlog beyond which we stop reading: the client is not reading what we send. */
const MAX_UNREAD_BYTES = 1 << 20;
/** How long a closing session waits for the client's unbind_resp. */
const UNBIND_GRACE_MS = 1000;

let nextSessionId = 1;

export class Session {
  readonly id = nextSessionId++;
  readonly ip: string;
  state: 'open' | 'binding' | 'bound' | 'closing' | 'closed' = 'open';
  mode: BindMode | undefined;
  user: StoredUser | undefined;
  /** Failed binds on this connection. */
  bindFailures = 0;
  /** The client's interface_version at bind (0x34 for SMPP 3.4). */
  interfaceVersion = 0;
  readonly done: Promise<void>;

  private readonly reader = new PduReader();
  private readonly outstanding = new Map<number, Outstanding>();
  private readonly backlog: GoodFrame[] = [];
  private sequence = 0;
  private pending = 0;
  private badPdus = 0;
  private lastHeard = Date.now();
  private lastEnquire = 0;
  private readonly ticker: NodeJS.Timeout;
  private readingPaused = false;
  private finish!: () => void;

  constructor(
    readonly socket: net.Socket,
    private readonly settings: SessionSettings,
    private readonly events: SessionEvents,
  ) {
    this.ip = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    this.done = new Promise((resolve) => (this.finish = resolve));
    socket.setNoDelay(true);
    socket.on('data', (data: Buffer) => this.onData(data));
    socket.on('drain', () => this.updateReading());
    socket.on('error', () => {});
    socket.on('close', () => this.onClose());
    const shortest = Math.min(settings.enquireLinkMs, settings.idleTimeoutMs, settings.responseTimeoutMs);
    this.ticker = setInterval(() => this.tick(), Math.max(20, Math.min(1000, shortest / 4)));
    this.ticker.unref();
  }

  /** Bound: tell the listener (its bind deadline stops). */
  loggedIn(): void {
    this.events.bound?.(this);
  }

  get bound(): boolean {
    return this.state === 'bound';
  }

  /** Bound to receive deliver_sm (receiver or transceiver). */
  get receives(): boolean {
    return this.state === 'bound' && (this.mode === 'receiver' || this.mode === 'transceiver');
  }

  get transmits(): boolean {
    return this.state === 'bound' && (this.mode === 'transmitter' || this.mode === 'transceiver');
  }

  /** Our requests (deliver_sm, enquire_link) awaiting an answer. */
  get inFlight(): number {
    return this.outstanding.size;
  }

  respond(pdu: PDU, fields: PDUFields = {}): void {
    const resp = pdu.response(fields);
    this.write(resp.toBuffer());
  }

  genericNack(sequence: number, status: number): void {
    this.write(new smpp.PDU('generic_nack', { sequence_number: sequence, command_status: status }).toBuffer());
  }

  /** Send a request; resolves with the client's answer (a *_resp or generic_nack), rejects on timeout or close. */
  request(command: CommandName, fields: PDUFields): Promise<PDU> {
    if (this.state === 'closed') return Promise.reject(new Error('session closed'));
    this.sequence = this.sequence >= 0x7fffffff ? 1 : this.sequence + 1;
    const sequence = this.sequence;
    const buf = new smpp.PDU(command, { ...fields, sequence_number: sequence }).toBuffer();
    return new Promise((resolve, reject) => {
      this.outstanding.set(sequence, { command, deadline: Date.now() + this.settings.responseTimeoutMs, resolve, reject });
      this.write(buf);
    });
  }

  /** Hold further PDUs until `work` settles: a bind is answered before anything sent after it is read. */
  async exclusive(work: () => Promise<void>): Promise<void> {
    const previous = this.state;
    this.state = 'binding';
    try {
      await work();
    } finally {
      if (this.state === 'binding') this.state = previous;
      // Replayed in order, and only until one of them holds the session again (a second pipelined bind):
      // the rest wait for that one's answer, as they waited for this one's.
      const held = this.backlog.splice(0);
      while (held.length > 0 && this.state !== 'binding') this.handle(held.shift()!);
      this.backlog.unshift(...held);
      this.updateReading();
    }
  }

  /** Unbind politely, then close. */
  async close(): Promise<void> {
    if (this.state === 'closed' || this.state === 'closing') return this.done;
    const wasBound = this.state === 'bound';
    this.state = 'closing';
    if (wasBound && this.socket.writable) {
      const answered = this.request('unbind', {}).catch(() => undefined);
      const grace = new Promise((r) => setTimeout(r, UNBIND_GRACE_MS).unref());
      await Promise.race([answered, grace]);
    }
    this.socket.end();
    const forced = setTimeout(() => this.socket.destroy(), UNBIND_GRACE_MS);
    forced.unref();
    await this.done;
    clearTimeout(forced);
  }

  /** Close without unbinding (never bound): what we wrote is sent first. */
  end(): void {
    if (this.state === 'closed' || this.state === 'closing') return;
    this.state = 'closing';
    flushWrites(this.socket);
    this.socket.end();
    setTimeout(() => this.socket.destroy(), UNBIND_GRACE_MS).unref();
  }

  destroy(): void {
    flushWrites(this.socket);
    this.socket.destroy();
  }

  private write(buf: Buffer): void {
    if (!this.socket.writable) return;
    writeBatched(this.socket, buf);
    this.updateReading();
  }

  private onData(data: Buffer): void {
    this.lastHeard = Date.now();
    for (const frame of this.reader.push(data)) {
      if (this.state === 'closed') return;
      if (!frame.ok) {
        this.genericNack(frame.sequence ?? 0, frame.status);
        this.strike(frame.reason, frame.raw, frame.fatal);
        continue;
      }
      if (this.state === 'binding') this.backlog.push(frame);
      else this.handle(frame);
    }
    this.updateReading();
  }

  private handle(frame: GoodFrame): void {
    if (this.state === 'closed') return;
    const pdu = frame.pdu;
    if (pdu.isResponse() || pdu.command === 'generic_nack') {
      const waiting = this.outstanding.get(pdu.sequence_number);
      if (!waiting) return; // a late answer to something that already timed out
      this.outstanding.delete(pdu.sequence_number);
      waiting.resolve(pdu);
      return;
    }
    // Closing (unbinding, or thrown out): answers still count, new requests do not.
    if (this.state === 'closing') return;
    this.pending++;
    this.events
      .request(this, frame)
      .catch(() => this.respond(pdu, { command_status: smpp.ESME_RSYSERR }))
      .finally(() => {
        this.pending--;
        this.updateReading();
      });
  }

  /** A PDU we could not take. A broken length (`fatal`) leaves no way to find the next PDU: we close. */
  private strike(reason: string, bytes: Buffer, fatal: boolean): void {
    this.events.bad(this, reason, bytes.subarray(0, 64));
    if (fatal || ++this.badPdus >= this.settings.maxBadPdus) {
      this.state = 'closing';
      this.socket.end();
      setTimeout(() => this.socket.destroy(), UNBIND_GRACE_MS).unref();
    }
  }

  private updateReading(): void {
    if (this.state === 'closed') return;
    const hold = this.pending >= this.settings.maxPending || this.socket.writableLength > MAX_UNREAD_BYTES || this.backlog.length > this.settings.maxPending;
    if (hold && !this.readingPaused) {
      this.readingPaused = true;
      this.socket.pause();
    } else if (!hold && this.readingPaused) {
      this.readingPaused = false;
      this.lastHeard = Date.now();
      this.socket.resume();
    }
  }

  private tick(): void {
    const now = Date.now();
    for (const [seq, o] of this.outstanding) {
      if (o.deadline <= now) {
        this.outstanding.delete(seq);
        o.reject(new Error(`no ${o.command}_resp within ${this.settings.responseTimeoutMs} ms`));
      }
    }
    if (this.state === 'closed' || this.state === 'closing') return;
    // A paused socket is silent because of us, not the client.
    const silentFor = this.readingPaused ? 0 : now - this.lastHeard;
    if (silentFor > this.settings.idleTimeoutMs) {
      this.socket.destroy();
      return;
    }
    if (this.state === 'bound' && silentFor > this.settings.enquireLinkMs && now - this.lastEnquire > this.settings.enquireLinkMs) {
      this.lastEnquire = now;
      this.request('enquire_link', {}).catch(() => {});
    }
  }

  private onClose(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearInterval(this.ticker);
    this.backlog.length = 0;
    for (const o of this.outstanding.values()) o.reject(new Error('session closed'));
    this.outstanding.clear();
    this.events.closed(this);
    this.finish();
  }
}
