// One outbound queue worker per connection: lease due messages, send them (up to the connection's window
// at once), and record the outcome. Retry schedule (NowSMS's): immediately, then firstDelay, then +step each
// time, at most maxAttempts; a throttling error pauses the connection and spends no attempt.
//
// What this process commits for the connection while it has no backlog is not leased and read back: the
// commit stores its queue entry leased already (claim), and the message comes from memory (handOver). Its
// lease keeps every other worker off it until it is sent, retried, or handed back after a crash, as for
// any leased entry (releaseLeases when a node takes the connection).
import type { ResolvedConfig } from './config.ts';
import { isSendError, type SendError } from './errors.ts';
import type { GatewayHooks } from './hooks.ts';
import type { Logger } from './log.ts';
import type { Connection, QueueEntry, Stores } from './types.ts';

/** How often an idle worker looks for work another process (the CLI) may have queued. */
const POLL_MS = 1000;
/** How long a message handed over at commit stays leased to this worker (the stores' own leases last as long). */
export const CLAIM_LEASE_MS = 5 * 60_000;

export function retryDelayMs(attemptsMade: number, retry: ResolvedConfig['retry']): number {
  return (retry.firstDelaySeconds + retry.stepSeconds * Math.max(0, attemptsMade - 1)) * 1000;
}

/** Room claimed in a dispatcher for messages being committed: their lease, and where they go once stored. */
export interface Claim {
  /** What their queue entries are stored leased until. */
  until: Date;
  /** Call once the commit has ended, with the entries it stored (none when it failed). */
  handOver(entries: QueueEntry[]): void;
}

export class Dispatcher {
  private running = false;
  private inflight = 0;
  private pausedUntil = 0;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private readonly abort = new AbortController();
  readonly counters = { sent: 0, retried: 0, failed: 0, throttled: 0 };

  constructor(
    private readonly connection: Connection,
    private readonly deps: { stores: Stores; hooks: GatewayHooks; config: ResolvedConfig; log: Logger },
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    this.wakeUp();
    await this.loop;
    await this.refilling;
  }

  /** New work may be queued for this connection: look again even if the last lease found nothing. */
  kick(): void {
    this.dry = false;
    this.kicks++;
    this.wakeUp();
  }

  /**
   * The event log tells that a message was queued for this connection: a kick, unless it is one this worker
   * was handed at its commit (it has it already).
   */
  queued(messageId: string): void {
    if (!this.handed.delete(messageId)) this.kick();
  }

  /**
   * Room for `n` messages this process is about to commit for this connection, handed over in memory once
   * committed instead of leased and read back from the store: when the store leases at commit, the queue
   * has no backlog (the last lease found less than a window: what waits in the store is leased within a
   * lease's time, so a new message overtakes none by more), and the connection is up with room for them.
   * Undefined: commit them unleased and kick.
   */
  claim(messageIds: readonly string[]): Claim | undefined {
    const window = Math.max(1, this.connection.window ?? 1);
    const n = messageIds.length;
    if (!this.running || !this.deps.stores.queues.leasesAtCommit || this.backlog) return undefined;
    if (Date.now() < this.pausedUntil || this.connection.status().state !== 'up') return undefined;
    if (this.buffer.length + this.inflight + this.claimed + n > 2 * window) return undefined;
    this.claimed += n;
    // Their `queued` changes may reach the event log's followers before the commit's caller: no kick for them.
    // Kept only while they may still come (a follower that has fallen behind reads them later, or never).
    if (this.handed.size > 16 * window) this.handed.clear();
    for (const id of messageIds) this.handed.add(id);
    let open = true;
    return {
      until: new Date(Date.now() + CLAIM_LEASE_MS),
      handOver: (entries) => {
        if (!open) return;
        open = false;
        this.claimed -= n;
        this.take(entries);
      },
    };
  }

  /** Entries stored leased to this worker at their commit. */
  private take(entries: QueueEntry[]): void {
    if (entries.length === 0) return;
    if (!this.running) {
      // Stopped meanwhile: due again now, for whoever holds the connection next.
      for (const e of entries)
        void this.deps.stores.queues.retry(e.messageId, new Date(), 'not sent: the connection stopped on this node', false).catch(() => undefined);
      return;
    }
    this.buffer.push(...entries);
    this.wakeUp();
  }

  private wakeUp(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /** Resolves after `ms` (true) or once woken (false). */
  private sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wake = undefined;
        resolve(true);
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve(false);
      };
    });
  }

  /** When the soonest retry this worker scheduled falls due (Infinity: none pending). */
  private soonestRetry = Infinity;

  /** Leased entries not yet handed to the connection: one lease (a store write) serves a whole window. */
  private buffer: QueueEntry[] = [];
  /** The lease under way, if any: one at a time. */
  private refilling: Promise<void> | undefined;
  /** The last lease found fewer entries than it asked for: no new lease until kicked or the poll is due. */
  private dry = false;
  /** Kicks so far: a lease that started before the latest one may have missed its work, so is not dry. */
  private kicks = 0;
  /** The last lease found a whole window: more may wait in the store, and new messages do not overtake them. */
  private backlog = true;
  /** Messages claimed for handing over whose commit is under way. */
  private claimed = 0;
  /** Messages claimed whose `queued` change the event log has not told yet. */
  private readonly handed = new Set<string>();

  /**
   * Lease up to a window of entries, beside the sends: the next ones are ready before the buffer runs out,
   * so a connection never idles for the length of a lease (on a networked store, as long as a send).
   */
  private refill(window: number): void {
    const leaseAt = new Date();
    // This lease takes every retry due by now, the soonest one this worker scheduled included.
    if (leaseAt.getTime() >= this.soonestRetry) this.soonestRetry = Infinity;
    const kicks = this.kicks;
    this.refilling = this.deps.stores.queues
      .lease(this.connection.id, leaseAt, window)
      .then(
        (entries) => {
          this.buffer.push(...entries);
          this.backlog = entries.length >= window;
          if (entries.length < window && this.kicks === kicks) this.dry = true;
        },
        (err: unknown) => {
          this.dry = true; // tried again at the poll
          this.deps.log.error({ err, connection: this.connection.id }, 'cannot lease queued messages');
        },
      )
      .finally(() => {
        this.refilling = undefined;
        this.wakeUp();
      });
  }

  private async run(): Promise<void> {
    const window = Math.max(1, this.connection.window ?? 1);
    while (this.running) {
      const now = Date.now();
      if (now < this.pausedUntil) {
        await this.sleep(this.pausedUntil - now);
        continue;
      }
      if (this.connection.status().state !== 'up') {
        await this.sleep(POLL_MS);
        continue;
      }
      // Top up once the buffer holds less than what the window can take next.
      if (!this.refilling && !this.dry && this.buffer.length < window) this.refill(window);
      while (this.inflight < window && this.buffer.length > 0) {
        const entry = this.buffer.shift()!;
        this.inflight++;
        void this.sendOne(entry)
          .catch((err) => this.deps.log.error({ err, connection: this.connection.id, id: entry.messageId }, 'cannot record the outcome of a send'))
          .finally(() => {
            this.inflight--;
            this.wakeUp();
          });
      }
      // Woken by a send that ends, a lease that lands, or a kick. Dry and idle: the poll, or a retry this
      // worker scheduled sooner than the poll (a connection's own retryAt), whichever comes first.
      const idle = this.dry && !this.refilling && this.buffer.length === 0;
      const timedOut = await this.sleep(idle ? Math.max(1, Math.min(POLL_MS, this.soonestRetry - Date.now())) : POLL_MS);
      if (timedOut) this.dry = false;
    }
  }

  private async sendOne(entry: QueueEntry): Promise<void> {
    const { stores, hooks, config, log } = this.deps;
    const id = entry.messageId;
    try {
      const result = await this.connection.send!(entry, this.abort.signal);
      await stores.queues.complete(id, result.detail ?? (result.remoteIds?.length ? `remote id ${result.remoteIds.join(',')}` : undefined), result.remoteIds);
      this.counters.sent++;
      void hooks.sent.call(entry, result);
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      const failure = isSendError(err) ? err.failure : 'temporary';
      if (!this.running && this.abort.signal.aborted) {
        // Stopping: put it back as it was, without spending an attempt.
        await stores.queues.retry(id, new Date(), 'gateway stopped during send', false).catch(() => {});
        return;
      }
      if (failure === 'throttled') {
        const pause = (err as SendError).pauseMs ?? config.retry.throttlePauseSeconds * 1000;
        this.pausedUntil = Math.max(this.pausedUntil, Date.now() + pause);
        this.counters.throttled++;
        log.warn({ connection: this.connection.id, id, pauseMs: pause, reason: e.message }, 'connection throttled; pausing');
        await stores.queues.retry(id, new Date(Date.now() + pause), e.message, false);
        return;
      }
      const attempts = entry.attempts + 1;
      const retryAt = failure === 'temporary' && isSendError(err) ? err.retryAt : undefined;
      if (failure === 'permanent' || (attempts >= config.retry.maxAttempts && !retryAt)) {
        const why = failure === 'permanent' ? e.message : `${e.message} (gave up after ${attempts} attempts)`;
        await stores.queues.fail(id, why);
        this.counters.failed++;
        log.warn({ connection: this.connection.id, id, reason: why }, 'message failed');
        void hooks.failed.call(entry, e);
        return;
      }
      const at = retryAt ?? new Date(Date.now() + retryDelayMs(attempts, config.retry));
      await stores.queues.retry(id, at, e.message, true);
      this.soonestRetry = Math.min(this.soonestRetry, at.getTime());
      this.counters.retried++;
      log.info({ connection: this.connection.id, id, attempts, next: at.toISOString(), reason: e.message }, 'send failed; will retry');
    }
  }
}
