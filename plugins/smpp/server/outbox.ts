// One user's messages on their way to that user's bound receivers. The mailbox in the store is the truth:
// this is only the order of work over it. A message leaves the mailbox after the client's deliver_sm_resp
// OK for every one of its PDUs, never before, so a crash or a dropped connection at any point means a
// message offered again (at least once), not a message lost. Nothing is kept while no receiver is bound;
// the next bind lists the mailbox again.
// Among nodes on one database, an application may bind a receiver to several of them (for redundancy): one
// node delivers a user's messages, the one holding the store lease `smpp-user:<name>`; the others keep
// their sessions bound and take over when that node dies or its last receiver unbinds.
import smpp from 'smpp';
import type { ServerContext } from './context.ts';
import { deliverPdus } from './deliver.ts';
import type { Session } from './session.ts';

class Refused extends Error {
  constructor(readonly status: number) {
    super(`deliver_sm refused with 0x${status.toString(16)}`);
  }
}

/** The client asks us to slow down: pause that session, not the message. */
const SLOW_DOWN = new Set<number>([smpp.ESME_RTHROTTLED, smpp.ESME_RMSGQFUL]);
/** How long a mailbox listing that failed waits before it is tried again. */
const RELIST_MS = 5000;
/**
 * Messages delivered lately, remembered so that the event log's news of one (which may come after a bind's
 * listing already delivered it) does not send it twice. A mailbox entry never comes back once removed.
 */
const REMEMBER_DELIVERED = 10_000;

export class Outbox {
  private readonly sessions: Session[] = [];
  private readonly busy = new Map<Session, number>();
  private readonly pausedUntil = new Map<Session, number>();
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly inFlight = new Set<string>();
  private readonly delayed = new Map<string, NodeJS.Timeout>();
  private readonly delivered = new Set<string>();
  private wakeTimer: NodeJS.Timeout | undefined;
  private turn = 0;
  /** Settles once the message queued last has had its first deliver_sm written (or was given up). */
  private inOrder: Promise<void> = Promise.resolve();
  /** This node delivers this user's messages (it holds the user's lease). */
  private holding = false;
  private holdTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly user: string,
    private readonly ctx: ServerContext,
  ) {}

  attach(session: Session): void {
    this.sessions.push(session);
    this.busy.set(session, 0);
    if (this.sessions.length === 1) void this.hold();
    else this.pump();
  }

  detach(session: Session): void {
    const i = this.sessions.indexOf(session);
    if (i >= 0) this.sessions.splice(i, 1);
    this.busy.delete(session);
    this.pausedUntil.delete(session);
    if (this.sessions.length > 0) return;
    this.queue.length = 0;
    this.queued.clear();
    for (const t of this.delayed.values()) clearTimeout(t);
    this.delayed.clear();
    clearTimeout(this.wakeTimer);
    clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
    if (this.holding) {
      this.holding = false;
      const { stores, config, log } = this.ctx;
      stores.leases
        .release(this.leaseName, config.nodeId)
        .catch((err: unknown) => log.warn({ err, user: this.user }, 'could not hand back the smpp delivery lease'));
    }
  }

  private get leaseName(): string {
    return `smpp-user:${this.user}`;
  }

  /**
   * Take or renew the user's lease while a receiver is bound here, every third of its length. Taken: list the
   * mailbox and deliver. Another node has it: wait, bound, until it lets go.
   */
  private async hold(): Promise<void> {
    const { stores, config, log } = this.ctx;
    const ttlMs = config.holderLeaseSeconds * 1000;
    let held: boolean;
    try {
      held = await stores.leases.take(this.leaseName, config.nodeId, ttlMs);
    } catch (err) {
      log.warn({ err, user: this.user }, 'cannot take or renew the smpp delivery lease; trying again');
      held = this.holding;
    }
    if (this.sessions.length === 0) {
      if (held) await stores.leases.release(this.leaseName, config.nodeId).catch(() => undefined);
      this.holding = false;
      return;
    }
    const was = this.holding;
    this.holding = held;
    if (held && !was) void this.load();
    if (!held && was) {
      log.warn({ user: this.user }, 'another node delivers to this smpp user now');
      this.queue.length = 0;
      this.queued.clear();
    }
    clearTimeout(this.holdTimer);
    this.holdTimer = setTimeout(() => void this.hold(), ttlMs / 3);
    this.holdTimer.unref();
  }

  /** A message entered the user's mailbox (uid = the store's mailbox uid). */
  offer(uid: string): void {
    if (this.sessions.length === 0 || !this.holding || this.queued.has(uid) || this.inFlight.has(uid) || this.delayed.has(uid) || this.delivered.has(uid))
      return;
    this.queue.push(uid);
    this.queued.add(uid);
    this.pump();
  }

  /**
   * Forget a message that left the mailbox another way (an operator deleted it): out of the queue, its
   * redelivery timer stopped. One already in a deliver_sm cannot be called back.
   */
  withdraw(uid: string): void {
    if (this.queued.delete(uid)) this.queue.splice(this.queue.indexOf(uid), 1);
    const t = this.delayed.get(uid);
    if (t) {
      clearTimeout(t);
      this.delayed.delete(uid);
    }
  }

  private async load(): Promise<void> {
    try {
      for (const entry of await this.ctx.stores.mailboxes.list(this.user)) this.offer(entry.uid);
    } catch (err) {
      this.ctx.log.error({ err, user: this.user }, 'cannot list the mailbox of a bound smpp user; trying again');
      const t = setTimeout(() => {
        if (this.sessions.length > 0) void this.load();
      }, RELIST_MS);
      t.unref();
    }
  }

  /** Hand queued messages to sessions with room in their window, taking the sessions in turn. */
  private pump(): void {
    if (!this.holding) return;
    const now = Date.now();
    while (this.queue.length > 0) {
      const session = this.nextSession(now);
      if (!session) break;
      const uid = this.queue.shift()!;
      this.queued.delete(uid);
      this.inFlight.add(uid);
      this.busy.set(session, (this.busy.get(session) ?? 0) + 1);
      void this.deliver(session, uid);
    }
    this.scheduleWake(now);
  }

  private nextSession(now: number): Session | undefined {
    for (let k = 0; k < this.sessions.length; k++) {
      const s = this.sessions[(this.turn + k) % this.sessions.length]!;
      if (!s.receives || (this.busy.get(s) ?? 0) >= this.ctx.opts.window || (this.pausedUntil.get(s) ?? 0) > now) continue;
      this.turn = (this.turn + k + 1) % this.sessions.length;
      return s;
    }
    return undefined;
  }

  /** Paused sessions come back by themselves: wake up when the first pause ends. */
  private scheduleWake(now: number): void {
    if (this.queue.length === 0 || this.wakeTimer) return;
    const ends = [...this.pausedUntil.values()].filter((t) => t > now);
    if (ends.length === 0) return;
    this.wakeTimer = setTimeout(
      () => {
        this.wakeTimer = undefined;
        this.pump();
      },
      Math.min(...ends) - now,
    );
    this.wakeTimer.unref();
  }

  private async deliver(session: Session, uid: string): Promise<void> {
    const { stores, counters, log, opts } = this.ctx;
    // Messages load side by side, but each one's first deliver_sm goes out only after the one queued
    // before it has gone (or given up): a receiver gets them in mailbox order, however the loads finish.
    const previous = this.inOrder;
    let sent!: () => void;
    this.inOrder = new Promise<void>((resolve) => (sent = resolve));
    try {
      const message = await stores.messages.get(uid).finally(() => previous);
      if (!message) {
        log.warn({ user: this.user, uid }, 'mailbox entry without its message; skipped');
        this.inFlight.delete(uid);
        return;
      }
      for (const fields of deliverPdus(message, opts.longMessages)) {
        const answer = session.request('deliver_sm', fields);
        sent();
        const resp = await answer;
        if (resp.command === 'generic_nack' || resp.command_status !== 0) throw new Refused(resp.command_status || smpp.ESME_RINVCMDID);
      }
      await stores.mailboxes.remove(this.user, [uid]);
      this.delivered.add(uid);
      // Sets iterate in insertion order: the first is the oldest.
      if (this.delivered.size > REMEMBER_DELIVERED) this.delivered.delete(this.delivered.values().next().value!);
      counters.delivered++;
      this.inFlight.delete(uid);
      log.debug({ user: this.user, id: uid, session: session.id }, 'delivered over smpp');
    } catch (err) {
      this.inFlight.delete(uid);
      this.retryLater(session, uid, err as Error);
    } finally {
      sent();
      if (this.busy.has(session)) this.busy.set(session, (this.busy.get(session) ?? 1) - 1);
      this.pump();
    }
  }

  private retryLater(session: Session, uid: string, err: Error): void {
    const { counters, log, opts } = this.ctx;
    // The session went away under the message: not the message's fault, offer it again at once.
    if (session.state === 'closed' || session.state === 'closing') {
      this.offer(uid);
      return;
    }
    counters.deliverFailures++;
    const delay = opts.redeliverSeconds * 1000;
    if (err instanceof Refused && SLOW_DOWN.has(err.status)) this.pausedUntil.set(session, Date.now() + delay);
    log.info({ user: this.user, id: uid, session: session.id, reason: err.message, retryInMs: delay }, 'smpp delivery failed; will offer it again');
    if (this.sessions.length === 0) return;
    const t = setTimeout(() => {
      this.delayed.delete(uid);
      this.offer(uid);
    }, delay);
    t.unref();
    this.delayed.set(uid, t);
  }
}
