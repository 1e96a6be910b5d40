// One bind to the SMSC, kept up: connect, bind (transceiver, transmitter or receiver), enquire_link while
// bound, and after any loss reconnect with exponential backoff (reset once a bind succeeds). A refused bind
// is retried the same way: passwords get fixed at the SMSC end too.
import net from 'node:net';
import tls from 'node:tls';
import type { Socket } from 'node:net';
import smpp, { type PDU } from 'smpp';
import type { Logger } from 'nowsms';
import type { GoodFrame } from '../shared/framing.ts';
import { statusName } from '../shared/status.ts';
import type { ResolvedClientOptions } from './options.ts';
import { RequestError, Session, type SessionCounters } from './session.ts';

export type Role = 'transceiver' | 'transmitter' | 'receiver';
export type LinkState = 'idle' | 'connecting' | 'binding' | 'bound' | 'waiting' | 'stopped';

export interface LinkCounters extends SessionCounters {
  binds: number;
  bindFailures: number;
  connectionsLost: number;
  unbindsReceived: number;
}

export interface LinkEvents {
  /** A request from the SMSC while bound; answer it through `session`. */
  onRequest(frame: GoodFrame, session: Session, link: Link): void;
  onStateChange(link: Link): void;
}

/** The SMSC answered a bind with an error status, or not at all. */
class BindRefused extends Error {}

export class Link {
  state: LinkState = 'idle';
  detail = 'not started';
  /** Consecutive failed attempts; 0 while bound. */
  failures = 0;
  private session: Session | undefined;
  private stopped = false;
  private wakeUp: (() => void) | undefined;
  private abortConnect: (() => void) | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    readonly role: Role,
    private readonly opts: ResolvedClientOptions,
    private readonly deps: { log: Logger; counters: LinkCounters; events: LinkEvents },
  ) {}

  get bound(): Session | undefined {
    return this.state === 'bound' && this.session?.isOpen ? this.session : undefined;
  }

  start(): void {
    this.stopped = false;
    this.loop ??= this.run();
  }

  /** Unbind politely (bounded wait), then close. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    this.abortConnect?.();
    const s = this.session;
    if (s?.isOpen) {
      if (this.state === 'bound') await s.request('unbind', {}, Math.min(2000, this.opts.responseTimeoutSeconds * 1000)).catch(() => {});
      s.close('stopped');
    }
    await this.loop;
    this.loop = undefined;
    this.set('stopped', 'stopped');
  }

  /** Drop the session (the SMSC misbehaved); the loop reconnects. */
  drop(reason: string): void {
    this.session?.close(reason);
  }

  private set(state: LinkState, detail: string): void {
    this.state = state;
    this.detail = detail;
    this.deps.events.onStateChange(this);
  }

  private async run(): Promise<void> {
    const { initialSeconds, maxSeconds, factor } = this.opts.reconnect;
    let delay = initialSeconds * 1000;
    while (!this.stopped) {
      let reason: string;
      let wasBound = false;
      try {
        const session = await this.connect();
        await this.bind(session);
        wasBound = true;
        this.failures = 0;
        delay = initialSeconds * 1000;
        reason = await this.whileBound(session);
        this.deps.counters.connectionsLost++;
      } catch (e) {
        reason = (e as Error).message;
        if (e instanceof BindRefused) this.deps.counters.bindFailures++;
        this.session?.close(reason);
      }
      this.session = undefined;
      if (this.stopped) break;
      this.failures++;
      const wait = wasBound ? initialSeconds * 1000 : delay;
      if (!wasBound) delay = Math.min(delay * factor, maxSeconds * 1000);
      this.deps.log.warn({ role: this.role, reason, retryInMs: wait }, 'smpp: link down; reconnecting');
      this.set('waiting', `${reason}; reconnecting in ${Math.round(wait / 100) / 10} s`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, wait);
        this.wakeUp = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }

  private connect(): Promise<Session> {
    const { host, port } = this.opts;
    this.set('connecting', `connecting to ${host}:${port}`);
    return new Promise((resolve, reject) => {
      const tlsOpts = this.opts.tls;
      const socket: Socket = tlsOpts
        ? tls.connect({ host, port, ...(typeof tlsOpts === 'object' ? tlsOpts : {}), ...(net.isIP(host) ? {} : { servername: host }) })
        : net.connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`cannot connect to ${host}:${port}: no answer within ${this.opts.responseTimeoutSeconds} s`));
      }, this.opts.responseTimeoutSeconds * 1000);
      const fail = (err: Error) => {
        clearTimeout(timer);
        this.abortConnect = undefined;
        reject(new Error(`cannot connect to ${host}:${port}: ${err.message}`));
      };
      // An SMSC that does not answer SYN must not hold up the gateway's stop for the whole timeout.
      this.abortConnect = () => {
        socket.destroy();
        fail(new Error('stopped'));
      };
      socket.once('error', fail);
      socket.once(tlsOpts ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        this.abortConnect = undefined;
        socket.off('error', fail);
        socket.setNoDelay(true);
        const session = new Session(socket, {
          responseTimeoutMs: this.opts.responseTimeoutSeconds * 1000,
          log: this.deps.log,
          counters: this.deps.counters,
          onRequest: (frame) => this.onRequest(frame, session),
        });
        this.session = session;
        resolve(session);
      });
    });
  }

  private async bind(session: Session): Promise<void> {
    const o = this.opts;
    this.set('binding', `binding as ${this.role} to ${o.host}:${o.port}`);
    let resp: PDU;
    try {
      resp = await session.request(`bind_${this.role}`, {
        system_id: o.systemId,
        password: o.password,
        system_type: o.systemType,
        interface_version: 0x34,
        addr_ton: 0,
        addr_npi: 0,
        address_range: o.addressRange,
      });
    } catch (e) {
      if (e instanceof RequestError && e.failure === 'nack') throw new BindRefused(`bind refused: ${e.message}`);
      throw e;
    }
    if (resp.command_status !== 0) throw new BindRefused(`bind refused: ${statusName(resp.command_status)}`);
    this.deps.counters.binds++;
    const smsc = resp.system_id ? ` (${resp.system_id})` : '';
    this.deps.log.info({ role: this.role, host: o.host, port: o.port, smsc: resp.system_id }, 'smpp: bound');
    this.set('bound', `bound as ${this.role} to ${o.host}:${o.port}${smsc}`);
  }

  /** Keep the bound session alive until it ends; resolves with why it ended. */
  private async whileBound(session: Session): Promise<string> {
    const every = this.opts.enquireLinkSeconds * 1000;
    const timer = setInterval(() => {
      session.request('enquire_link').catch((e: Error) => {
        if (e instanceof RequestError && e.failure === 'timeout') session.close(`no enquire_link_resp: ${e.message}`);
      });
    }, every);
    try {
      return await session.closed;
    } finally {
      clearInterval(timer);
    }
  }

  private onRequest(frame: GoodFrame, session: Session): void {
    const { pdu } = frame;
    switch (pdu.command) {
      case 'enquire_link':
        session.respond(pdu);
        return;
      case 'unbind':
        this.deps.counters.unbindsReceived++;
        session.respond(pdu);
        this.deps.log.warn({ role: this.role }, 'smpp: the SMSC unbound');
        // Give the response a moment on the wire before closing.
        setTimeout(() => session.close('the SMSC unbound'), 50);
        return;
      case 'outbind':
        // Only an SMSC that dialled us sends outbind; we dial it, so there is nothing to answer.
        return;
      case 'alert_notification':
        // Has no response PDU (SMPP v3.4 §4.12).
        this.deps.log.info({ pdu: pdu.source_addr }, 'smpp: alert_notification');
        return;
    }
    if (this.state !== 'bound') {
      // The SMSC spoke before the bind completed (§2.2: nothing but the bind response is allowed then).
      this.deps.log.warn({ command: pdu.command, sequence: pdu.sequence_number }, 'smpp: request before bind; refused with ESME_RINVBNDSTS');
      session.respond(pdu, { command_status: smpp.ESME_RINVBNDSTS });
      return;
    }
    this.deps.events.onRequest(frame, session, this);
  }
}
