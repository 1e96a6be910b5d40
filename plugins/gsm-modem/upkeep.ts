// What a modem does while it is up, besides answering: every pollSeconds, check the network registration
// (which also proves the modem still answers: no answer sends it to a reset) and list what waits on the SIM;
// now and then, deliver long messages whose missing segments never came.
import { flushStaleSegments, type ConnectionContext, type Logger } from 'nowsms';
import { AtCommandError } from './at/errors.ts';
import { CREG_QUERY, registrationOf } from './init.ts';
import type { ResolvedGsmModemOptions } from './options.ts';
import type { Receiver } from './receive.ts';
import type { Session } from './session.ts';

export interface UpkeepDeps {
  id: string;
  opts: ResolvedGsmModemOptions;
  log: Logger;
  receiver: Receiver;
  ctx: () => ConnectionContext | undefined;
  /** The start-up finished on this session. */
  ready: () => boolean;
  /** The storage chosen at start-up, listed at each poll. */
  storage: () => string | undefined;
  /** Each registration reading (1 home, 5 roaming; anything else: no network to send through). */
  registration: (stat: number | undefined) => void;
  /** Count whole messages delivered by the reassembly timeout. */
  flushed: (count: number) => void;
  /** Work that stop() must wait for. */
  track: <T>(p: Promise<T>) => Promise<T>;
}

export class Upkeep {
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly d: UpkeepDeps) {}

  start(s: Session): void {
    const { opts } = this.d;
    this.every(opts.pollSeconds * 1000, () => this.poll(s), true);
    if (opts.receive) {
      const timeoutMs = opts.reassemblyTimeoutSeconds * 1000;
      this.every(Math.min(60_000, Math.max(1000, timeoutMs / 10)), () => this.flush(timeoutMs), false);
    }
  }

  stop(): void {
    for (const t of this.timers.splice(0)) clearInterval(t);
  }

  /** Never two runs of the same job at once: a slow modem just makes the interval longer. */
  private every(ms: number, job: () => Promise<void>, now: boolean): void {
    let running = false;
    const tick = () => {
      if (running || !this.d.ready()) return;
      running = true;
      void this.d.track(job()).finally(() => (running = false));
    };
    if (now) tick();
    this.timers.push(setInterval(tick, ms));
  }

  private async poll(s: Session): Promise<void> {
    try {
      this.d.registration(registrationOf(await s.engine.run({ ...CREG_QUERY, timeoutMs: this.d.opts.commandTimeoutMs })));
    } catch (e) {
      // A timeout has already sent the modem to a reset; a refusal says nothing about the SIM's contents.
      if (!(e instanceof AtCommandError)) return;
    }
    if (this.d.opts.receive && this.d.ready()) await this.d.receiver.list(this.d.storage());
  }

  private async flush(timeoutMs: number): Promise<void> {
    const ctx = this.d.ctx();
    if (!ctx) return;
    try {
      // Only this modem's segments, so a message gets its own modem's route-to user.
      const flushed = await flushStaleSegments(ctx.stores, this.d.receiver.submitter(ctx), timeoutMs, this.d.id);
      if (flushed.length) {
        this.d.flushed(flushed.length);
        this.d.log.warn({ messages: flushed.length }, 'gsm-modem: delivered long messages with missing segments after the reassembly timeout');
      }
    } catch (e) {
      this.d.log.warn({ err: (e as Error).message }, 'gsm-modem: cannot deliver timed-out segments; trying again later');
    }
  }
}
