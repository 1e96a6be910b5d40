// Following the event log (the status history, see EventLog in types.ts). One tail reads each new batch of
// changes once and hands it to every reactor that is caught up; a reactor that is behind (a durable one
// resuming from its saved cursor, one whose handler failed, one too slow to keep up) reads on its own from
// its cursor until it reaches the tail again. The tail wakes at once after this process's commits
// (EventLog.onAppend) and otherwise polls for what other processes commit (the CLI, another gateway).
import type { Logger } from './log.ts';
import type { EventLog, StatusChange } from './types.ts';

/** Something that reacts to the event log. Register it with `api.follow` in setup(). */
export interface Reactor {
  /** Unique among reactors: logs name it, and a durable reactor's cursor is saved under it. */
  name: string;
  /**
   * Keep a cursor in the store and resume from it after a restart or a crash: every change is handed over
   * at least once. Without it the reactor sees the changes made while this gateway runs, from its start on.
   */
  durable?: boolean;
  /**
   * Changes in log order, a batch at a time; the next batch comes after this one settled. Resolve only
   * once the work is done (committed): a durable reactor's cursor passes the batch after that. Throw to
   * have the same changes handed over again later.
   */
  handle(changes: StatusChange[]): Promise<void> | void;
}

/** Changes per read: one statement for this many, whoever follows. */
export const FOLLOW_BATCH = 500;
/** How often the tail looks for changes another process committed, when nothing woke it. */
export const FOLLOW_POLL_MS = 200;
/**
 * A busy durable reactor saves its cursor at most this often (a write each time): a crash hands over again at
 * most this much of the log, which its idempotent work absorbs, instead of a store write after every batch.
 */
export const CURSOR_SAVE_MS = 1000;
/** How long a reactor whose handler failed waits before it is handed the same changes again. */
const RETRY_MS = 1000;
/**
 * How long changes told ahead of a gap wait for the commit before them to be told too (another node's
 * notification comes on a connection of its own, and may arrive after this process's next commit) before
 * the log is read to fill it.
 */
export const GAP_WAIT_MS = 20;
/** A reactor this far behind the tail reads from the store instead of holding the changes in memory. */
const MAX_PENDING = 5 * FOLLOW_BATCH;

export class Follower {
  private head = 0;
  private readonly subs: Subscription[] = [];
  private running = false;
  private reading: Promise<void> | undefined;
  private again = false;
  private poll: NodeJS.Timeout | undefined;
  private unwatch: (() => void) | undefined;
  /** Changes told ahead of a gap, waiting for it to be told too (see wake). */
  private held: (readonly StatusChange[])[] = [];
  private gapTimer: NodeJS.Timeout | undefined;

  private readonly pollMs: number;

  constructor(
    private readonly events: EventLog,
    private readonly log: Logger,
    opts: { pollMs?: number } = {},
  ) {
    this.pollMs = opts.pollMs ?? FOLLOW_POLL_MS;
  }

  add(reactor: Reactor): void {
    this.subs.push(new Subscription(reactor, this, this.events, this.log.child({ reactor: reactor.name })));
  }

  /** The seq the tail has read up to. */
  get tail(): number {
    return this.head;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Place every reactor: durable ones at their saved cursor, the others (and a new durable one) at the newest change. */
  async place(): Promise<void> {
    this.head = await this.events.newestSeq();
    for (const s of this.subs) await s.place(this.head);
  }

  /** Start handing changes over (after place()). */
  start(): void {
    this.running = true;
    this.unwatch = this.events.onAppend((changes) => this.wake(changes));
    for (const s of this.subs) s.kick();
    // What was committed between place() and now (connections starting) is read at once, not at the first poll.
    this.wake();
  }

  /** Stop reading; resolves once every handler running has settled and the cursors are saved. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.unwatch?.();
    clearTimeout(this.poll);
    clearTimeout(this.gapTimer);
    this.gapTimer = undefined;
    this.held = [];
    await this.reading;
    await Promise.all(this.subs.map((s) => s.stop()));
  }

  /**
   * Read what is new now (coalesced: a wake during a read means one more read after it). `appended`: the
   * changes of one commit (of this process, or of another one a store told of), taken as read if they
   * follow the tail without a gap. Changes told ahead of a gap (another node's earlier commit not yet
   * heard of) wait GAP_WAIT_MS for it to be told too, and the log is read only if it is not.
   */
  wake(appended?: readonly StatusChange[]): void {
    if (!this.running) return;
    if (!this.reading && appended && consecutive(appended)) {
      if (appended[appended.length - 1]!.seq <= this.head) return; // read already
      if (appended[0]!.seq > this.head + 1) return this.hold(appended);
      this.take(appended);
      this.takeHeld();
      this.schedulePoll();
      return;
    }
    if (this.reading) {
      this.again = true;
      return;
    }
    this.again = false;
    this.reading = this.read().finally(() => {
      this.reading = undefined;
      this.takeHeld();
      // A wake that came as the read was ending must not wait for the poll.
      if (this.again) this.wake();
      else this.schedulePoll();
    });
  }

  private async read(): Promise<void> {
    do {
      this.again = false;
      let batch: StatusChange[];
      try {
        batch = await this.events.changesSince(this.head, FOLLOW_BATCH);
      } catch (err) {
        if (this.running) this.log.error({ err }, 'cannot read the event log; trying again');
        // At the next poll, not at once: a store that fails now would fail again.
        this.again = false;
        return;
      }
      if (batch.length === 0) continue;
      this.take(batch);
      if (batch.length === FOLLOW_BATCH) this.again = true;
    } while (this.again && this.running);
  }

  /** Hand over the changes of `batch` above the tail (consecutive seqs, the first at most one above it). */
  private take(batch: readonly StatusChange[]): void {
    const fresh = batch.filter((c) => c.seq > this.head);
    if (fresh.length === 0) return;
    this.head = fresh[fresh.length - 1]!.seq;
    for (const s of this.subs) s.offer(fresh);
  }

  /** Keep changes told ahead of a gap; read the log if the gap is still there GAP_WAIT_MS later. */
  private hold(changes: readonly StatusChange[]): void {
    this.held.push(changes);
    this.gapTimer ??= setTimeout(() => {
      this.gapTimer = undefined;
      if (this.held.length > 0) this.wake();
    }, GAP_WAIT_MS);
  }

  /** Take the held changes that now follow the tail, in order; drop those read already. */
  private takeHeld(): void {
    if (this.held.length === 0) return;
    this.held.sort((a, b) => a[0]!.seq - b[0]!.seq);
    while (this.held.length > 0 && this.held[0]![0]!.seq <= this.head + 1) this.take(this.held.shift()!);
    if (this.held.length === 0) {
      clearTimeout(this.gapTimer);
      this.gapTimer = undefined;
    }
  }

  private schedulePoll(): void {
    clearTimeout(this.poll);
    if (!this.running) return;
    // Only while idle: a burst of this process's own commits wakes the tail without a timer.
    this.poll = setTimeout(() => this.wake(), this.pollMs);
    this.poll.unref();
  }
}

/** One reactor's place in the log. */
class Subscription {
  /** Every change up to here is handled (and, for a durable reactor, its cursor will be saved this far). */
  private cursor = 0;
  /** Changes handed over by the tail, not yet handled; they follow `cursor` without a gap. */
  private pending: StatusChange[] = [];
  /** Caught up: takes its changes from the tail. Otherwise it reads from its cursor. */
  private live = true;
  private running: Promise<void> | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryWake: (() => void) | undefined;
  private saved = 0;
  private saving: Promise<void> | undefined;
  private lastSaveAt = 0;
  private saveTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly reactor: Reactor,
    private readonly follower: Follower,
    private readonly events: EventLog,
    private readonly log: Logger,
  ) {}

  /** The seq of the last change this reactor has been handed (handled or pending). */
  private get reached(): number {
    return this.pending.length > 0 ? this.pending[this.pending.length - 1]!.seq : this.cursor;
  }

  async place(head: number): Promise<void> {
    if (!this.reactor.durable) {
      this.cursor = head;
      return;
    }
    const saved = await this.events.cursor(this.reactor.name);
    if (saved === undefined) {
      // A new durable reactor starts from now; saved at once, so that a crash before its first batch loses nothing.
      await this.events.saveCursor(this.reactor.name, head);
      this.cursor = head;
    } else {
      this.cursor = saved;
      if (saved < head) this.log.info({ from: saved, to: head }, 'reactor resumes from its saved cursor');
    }
    this.saved = this.cursor;
    this.live = this.cursor >= head;
  }

  offer(batch: StatusChange[]): void {
    if (this.stopped) return;
    if (this.live) {
      const after = this.reached;
      const fresh = batch[0]!.seq > after ? batch : batch.filter((c) => c.seq > after);
      for (const c of fresh) this.pending.push(c);
      if (this.pending.length > MAX_PENDING) {
        // Too slow to keep up: forget them and read from the store at its own pace.
        this.pending = [];
        this.live = false;
      }
    }
    this.kick();
  }

  kick(): void {
    if (this.stopped || this.running || !this.follower.isRunning) return;
    this.running = this.run().finally(() => {
      this.running = undefined;
      // Something may have come while the loop was finishing.
      if (this.pending.length > 0 || !this.live) this.kick();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.saveTimer);
    this.retryWake?.();
    await this.running;
    await this.saving;
    await this.save();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let changes: StatusChange[];
      if (this.pending.length > 0) {
        changes = this.pending;
        this.pending = [];
      } else if (!this.live) {
        if (this.cursor >= this.follower.tail) {
          this.live = true;
          continue;
        }
        try {
          changes = await this.events.changesSince(this.cursor, FOLLOW_BATCH);
        } catch (err) {
          this.log.error({ err }, 'cannot read the event log; trying again');
          await this.pause();
          continue;
        }
        if (changes.length === 0) {
          this.live = true;
          continue;
        }
      } else return;
      try {
        await this.reactor.handle(changes);
      } catch (err) {
        this.log.error({ err, from: changes[0]!.seq, to: changes[changes.length - 1]!.seq }, 'reactor failed; the same changes come again');
        // From the store, from the last handled change, after a pause.
        this.pending = [];
        this.live = false;
        await this.pause();
        continue;
      }
      this.cursor = changes[changes.length - 1]!.seq;
      if (this.reactor.durable) this.saveSoon();
    }
  }

  private pause(): Promise<void> {
    return new Promise((resolve) => {
      this.retryWake = resolve;
      this.retryTimer = setTimeout(resolve, RETRY_MS);
      this.retryTimer.unref();
    });
  }

  /** One save at a time, of the newest cursor, at most every CURSOR_SAVE_MS: saves never hold up the next batch. */
  private saveSoon(): void {
    if (this.saving || this.saveTimer || this.stopped) return;
    const wait = this.lastSaveAt + CURSOR_SAVE_MS - Date.now();
    if (wait > 0) {
      this.saveTimer = setTimeout(() => {
        this.saveTimer = undefined;
        this.saveSoon();
      }, wait);
      this.saveTimer.unref();
      return;
    }
    this.lastSaveAt = Date.now();
    this.saving = this.save().finally(() => {
      this.saving = undefined;
      if (this.cursor > this.saved && !this.stopped) this.saveSoon();
    });
  }

  private async save(): Promise<void> {
    if (!this.reactor.durable || this.cursor <= this.saved) return;
    const seq = this.cursor;
    try {
      await this.events.saveCursor(this.reactor.name, seq);
      this.saved = Math.max(this.saved, seq);
    } catch (err) {
      // Not fatal: after a crash the reactor is handed these changes again (at least once).
      this.log.warn({ err, seq }, 'cannot save the reactor cursor');
    }
  }
}

/** Whether these are one commit's changes as a store tells them: some, at most a read's worth, no seq skipped. */
function consecutive(changes: readonly StatusChange[]): boolean {
  if (changes.length === 0 || changes.length > FOLLOW_BATCH) return false;
  for (let i = 1; i < changes.length; i++) if (changes[i]!.seq !== changes[i - 1]!.seq + 1) return false;
  return true;
}
