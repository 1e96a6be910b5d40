// One opening of the serial port: the port, the AT engine on it, and a tripwire that anything able to
// spoil the session pulls (the engine out of step, the port gone, the modem rebooting, the gateway
// stopping). The modem's state machine waits on the tripwire while the modem is up.
import type { Logger } from 'nowsms';
import { AtEngine, type Unsolicited } from './at/engine.ts';
import { openPort, type ModemPort } from './port.ts';
import { SmsCommands } from './sms/commands.ts';

export interface SessionOptions {
  path: string;
  baudRate: number;
  commandTimeoutMs: number;
  sendTimeoutMs: number;
  log: Logger;
  unsolicited(session: Session, u: Unsolicited): void;
  garbage(text: string): void;
}

export class Session {
  readonly engine: AtEngine;
  readonly sms: SmsCommands;
  private port: ModemPort | undefined;
  /** Why the port went away, once it has. */
  gone: string | undefined;
  private reason: string | undefined;
  private readonly waiters = new Set<(reason: string) => void>();

  private constructor(readonly opts: SessionOptions) {
    this.engine = new AtEngine(
      (data) => this.port?.write(data),
      {
        unsolicited: (u) => opts.unsolicited(this, u),
        garbage: (text) => opts.garbage(text),
        outOfStep: (why) => this.trip(why),
      },
      { defaultTimeoutMs: opts.commandTimeoutMs, log: opts.log },
    );
    this.sms = new SmsCommands(this.engine, { commandMs: opts.commandTimeoutMs, sendMs: opts.sendTimeoutMs });
  }

  static async open(opts: SessionOptions): Promise<Session> {
    const s = new Session(opts);
    s.port = await openPort(opts.path, opts.baudRate, {
      data: (chunk) => s.engine.feed(chunk),
      closed: (why) => {
        s.gone = why;
        s.engine.close(`port ${opts.path} vanished (${why})`);
        s.trip(`port ${opts.path} vanished (${why})`);
      },
    });
    return s;
  }

  /** Something spoilt the session; the first reason since the last rearm() is the one reported. */
  trip(reason: string): void {
    this.reason ??= reason;
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const w of waiters) w(this.reason);
  }

  rearm(): void {
    this.reason = undefined;
  }

  get tripped(): string | undefined {
    return this.reason;
  }

  wait(): Promise<string> {
    if (this.reason !== undefined) return Promise.resolve(this.reason);
    return new Promise((resolve) => this.waiters.add(resolve));
  }

  /** A pause that ends early when the session is spoilt, so waits never outlive it. */
  sleep(ms: number): Promise<void> {
    if (this.reason !== undefined) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.waiters.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  async close(): Promise<void> {
    this.engine.close('the modem connection closed');
    this.trip('closed');
    await this.port?.close();
  }
}
