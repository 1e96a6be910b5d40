// Runs the commands: a durable reactor on the event log takes each message routed to a command (status
// `received`, target command), runs it, records the outcome in the message's history and sends the answer
// back. Retries wait on timers, and are found again at start from the messages left `retrying`.
import type nodemailer from 'nodemailer';
import { FOLLOW_BATCH, isNowsmsError, planSms, type Message, type NewMessage, type PluginApi, type StatusChange } from 'nowsms';
import type { Command } from './commands.ts';
import { callHttp } from './http-action.ts';
import { sendMail } from './mail-action.ts';
import { mailtoOf, type ResolvedOptions } from './options.ts';
import { excerpt, type Answer, type Outcome } from './outcome.ts';
import { valuesOf } from './placeholders.ts';
import { runProgram } from './program-action.ts';

export const CONNECTION_ID = 'two-way';
/** The durable reactor that hands over messages routed to commands. */
export const REACTOR_NAME = 'two-way:commands';
/** A second durable cursor: every command handed over at or below it has finished (its outcome is stored). */
export const WATERMARK_NAME = 'two-way:finished';
/** Commands started and not finished before the reactor waits for room. */
const MAX_PENDING = 2000;
const CURSOR_SAVE_MS = 1000;

const isMine = (c: StatusChange) => c.status === 'received' && c.direction === 'MO' && c.target?.kind === 'command';

export interface RetryRule {
  maxAttempts: number;
  firstDelaySeconds: number;
  stepSeconds: number;
}

/** As the dispatcher's: after the first failure `firstDelaySeconds`, then `stepSeconds` more each time. */
export function retryDelayMs(attemptsMade: number, r: RetryRule): number {
  return (r.firstDelaySeconds + r.stepSeconds * Math.max(0, attemptsMade - 1)) * 1000;
}

/** The idempotency key of a message's command: the same on every attempt and after a restart. */
export const idempotencyKeyOf = (messageId: string) => `nowsms-${messageId}`;

/** The text cut to at most `segments` SMS segments. */
export function fitSegments(text: string, segments: number): string {
  const plan = planSms(text);
  return plan.segments.length <= segments ? text : plan.segments.slice(0, segments).join('');
}

class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly max: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) await new Promise<void>((r) => this.waiting.push(r));
    this.running++;
    try {
      return await fn();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

export interface RunnerDeps {
  api: PluginApi;
  opts: ResolvedOptions;
  commands: ReadonlyMap<string, Command>;
  retry: RetryRule;
  transport: nodemailer.Transporter | undefined;
}

export class Runner {
  readonly counters = { runs: 0, done: 0, retried: 0, failed: 0, replies: 0 };
  private stopping = new AbortController();
  private running = false;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly limiter: Limiter;
  /** Commands handed over and not finished, by seq (ascending: they are handed over in log order). */
  private readonly unfinished = new Map<number, string>();
  /** The last seq handed over. */
  private seen = 0;
  private savedMark = 0;
  /** The newest change when this run started: one at or below it may have been handed over before. */
  private newestAtStart = 0;
  private markTimer: NodeJS.Timeout | undefined;
  private pending = 0;
  private readonly roomWaiters: (() => void)[] = [];

  constructor(private readonly deps: RunnerDeps) {
    this.limiter = new Limiter(deps.opts.concurrency);
  }

  private get stores() {
    return this.deps.api.stores;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /**
   * Pick up what a previous run left: the commands handed over but not finished (from the watermark to the
   * reactor's cursor, in the log) and the retries (messages `retrying` with a command target).
   */
  async start(): Promise<void> {
    this.stopping = new AbortController();
    this.running = true;
    const events = this.stores.events;
    // The reactor was placed before the connections start: its cursor is saved already.
    this.newestAtStart = await events.newestSeq();
    const handed = (await events.cursor(REACTOR_NAME)) ?? this.newestAtStart;
    const mark = await events.cursor(WATERMARK_NAME);
    this.seen = handed;
    this.savedMark = mark ?? handed;
    if (mark === undefined) await events.saveCursor(WATERMARK_NAME, handed);
    let replayed = 0;
    for (let from = this.savedMark; from < handed;) {
      const batch = await events.changesSince(from, FOLLOW_BATCH);
      if (batch.length === 0) break;
      for (const c of batch)
        if (c.seq <= handed && isMine(c)) {
          await this.dispatch(c);
          replayed++;
        }
      from = batch[batch.length - 1]!.seq;
    }
    const waiting = await this.stores.messages.list({ direction: 'MO', status: 'retrying', limit: 1_000_000 });
    for (const m of waiting) {
      if (m.target?.kind !== 'command') continue;
      const tries = m.history.filter((h) => h.status === 'retrying');
      const last = tries[tries.length - 1];
      const due = (last ? last.at.getTime() : Date.now()) + retryDelayMs(tries.length, this.deps.retry);
      this.schedule(m.id, m.target.id, tries.length + 1, Math.max(0, due - Date.now()));
    }
    if (replayed || this.timers.size)
      this.deps.api.log.info({ unfinished: replayed, retries: this.timers.size }, 'two-way: commands left by the last run picked up');
  }

  /** Abort what runs (nothing of it is recorded: it runs again at the next start) and drop the timers. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping.abort(new Error('the gateway is stopping'));
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const wake of this.roomWaiters.splice(0)) wake();
    await Promise.allSettled([...this.inFlight]);
    clearTimeout(this.markTimer);
    this.markTimer = undefined;
    await this.saveMark();
    this.unfinished.clear();
  }

  /**
   * The reactor: each message routed to a command, once its commit is in the log. Its command is started,
   * not waited for (a slow one must not hold up the others): the batch is done once its commands are under
   * way, and the watermark keeps a crash from losing one that had not finished.
   */
  async handle(changes: StatusChange[]): Promise<void> {
    if (changes.length === 0) return;
    // Not running (stopping): the cursor stays, and these come again at the next start.
    if (!this.running) throw new Error('two-way is not running: its commands wait for it');
    for (const c of changes) if (isMine(c)) await this.dispatch(c);
    this.seen = Math.max(this.seen, changes[changes.length - 1]!.seq);
    this.noteProgress();
  }

  /** The seq at and below which every command handed over has its outcome stored (or had nothing to do). */
  private get watermark(): number {
    const first = this.unfinished.keys().next();
    return first.done ? this.seen : first.value - 1;
  }

  private noteProgress(): void {
    if (this.markTimer || this.watermark <= this.savedMark || !this.running) return;
    this.markTimer = setTimeout(() => {
      this.markTimer = undefined;
      void this.saveMark().then(() => this.noteProgress());
    }, CURSOR_SAVE_MS);
    this.markTimer.unref();
  }

  private async saveMark(): Promise<void> {
    const mark = this.watermark;
    if (mark <= this.savedMark) return;
    try {
      await this.stores.events.saveCursor(WATERMARK_NAME, mark);
      this.savedMark = mark;
    } catch (err) {
      this.deps.api.log.warn({ err }, 'two-way: cannot save the watermark; trying again');
    }
  }

  /** Start one message's command (first waiting while too many are under way: the reactor slows down with them). */
  private async dispatch(c: StatusChange): Promise<void> {
    while (this.pending >= MAX_PENDING && this.running) await new Promise<void>((r) => this.roomWaiters.push(r));
    if (!this.running) throw new Error('two-way is stopping: its commands wait for the next start');
    if (this.unfinished.has(c.seq)) return;
    this.unfinished.set(c.seq, c.messageId);
    this.pending++;
    const commandId = (c.target as { id: string }).id;
    const run = (): void => {
      this.track(this.limiter.run(() => this.first(c, commandId))).then(
        () => {
          this.unfinished.delete(c.seq);
          this.pending--;
          this.roomWaiters.shift()?.();
          this.noteProgress();
        },
        (err: unknown) => {
          // Stopping: it stays below the watermark and runs at the next start.
          if (!this.running) return;
          // A store that failed, say: the same message again in a second.
          this.deps.api.log.error({ err, id: c.messageId }, 'two-way: a command could not run; trying again');
          setTimeout(run, 1000).unref();
        },
      );
    };
    run();
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p)).catch(() => {});
    return p;
  }

  private async first(c: StatusChange, commandId: string): Promise<void> {
    // A change a previous run may have handed over already: its outcome may be stored (the cursors are saved
    // a second apart). Run it only if not: at least once, not more. Later changes are new to everyone.
    if (c.seq <= this.newestAtStart) {
      const summary = await this.stores.messages.summary(c.messageId);
      if (summary?.status !== 'received') return;
    }
    await this.attempt(c.messageId, commandId, 1);
  }

  private schedule(id: string, commandId: string, n: number, delayMs: number): void {
    clearTimeout(this.timers.get(id));
    const t = setTimeout(() => {
      this.timers.delete(id);
      void this.track(
        this.limiter.run(async () => {
          const summary = await this.stores.messages.summary(id);
          if (summary?.status !== 'retrying' || !this.running) return;
          await this.attempt(id, commandId, n);
        }),
      ).catch((err: unknown) => {
        if (this.running) this.deps.api.log.error({ err, id }, 'two-way: a retry failed; it is tried again at the next start');
      });
    }, delayMs);
    t.unref();
    this.timers.set(id, t);
  }

  private async attempt(id: string, commandId: string, n: number): Promise<void> {
    const message = await this.stores.messages.get(id);
    if (!message) return;
    const command = this.deps.commands.get(commandId);
    if (!command) {
      await this.stores.messages.setStatus(id, 'failed', `attempt ${n}: command ${commandId} is no longer in the config`);
      this.counters.failed++;
      return;
    }
    // Queued behind others when the gateway began to stop: left for the next start, not begun now.
    if (!this.running) throw new Error('two-way is stopping: the command runs at the next start');
    this.counters.runs++;
    let outcome = await this.run(command, message);
    let replied = '';
    if (outcome.kind === 'done' && outcome.answers.length) {
      const r = await this.reply(message, command, outcome.answers);
      if ('retry' in r) outcome = { kind: 'retry', detail: `${outcome.detail}; the answer could not be stored: ${r.retry}` };
      else replied = r.detail;
    }
    await this.record(message, command, n, outcome, replied);
  }

  private run(command: Command, message: Message): Promise<Outcome> {
    const key = idempotencyKeyOf(message.id);
    const timeoutMs = (command.timeoutSeconds ?? this.deps.opts.timeoutSeconds) * 1000;
    const signal = this.stopping.signal;
    if (Array.isArray(command.action)) return runProgram(command, valuesOf(message), { signal, timeoutMs, key });
    const mail = mailtoOf(command.action);
    if (mail) return sendMail(this.deps.transport!, mail.address, message, this.deps.api.config.domains, key);
    return callHttp(command, message, valuesOf(message), {
      signal,
      timeoutMs,
      key,
      ...(this.deps.opts.signature ? { signature: this.deps.opts.signature } : {}),
    });
  }

  /** The answers as SMS back over the connection the message came in on; one key each, so a repeat stores nothing new. */
  private async reply(message: Message, command: Command, answers: Answer[]): Promise<{ detail: string } | { retry: string }> {
    const cap = Math.min(this.deps.opts.replyMaxSegments, this.deps.api.config.sms.maxSegments);
    const replies: NewMessage[] = answers.flatMap((a, i) =>
      (a.to ?? [message.from]).map((to, j) => ({
        direction: 'MT' as const,
        kind: 'sms' as const,
        from: message.to,
        to,
        parts: [{ contentType: 'text/plain; charset=utf-8', data: Buffer.from(fitSegments(a.text, cap), 'utf8') }],
        via: CONNECTION_ID,
        ...(message.via ? { routeVia: message.via } : {}),
        idempotencyKey: `two-way:${message.id}:${i}:${j}`,
        meta: { twoWay: { command: command.id, replyTo: message.id } },
      })),
    );
    try {
      const accepted = await this.deps.api.submit(replies);
      this.counters.replies += accepted.length;
      return { detail: `; reply ${accepted.map((a) => a.id).join(', ')}` };
    } catch (e) {
      if (isNowsmsError(e) && !e.temporary) return { detail: `; the answer was not sent: ${e.message}` };
      return { retry: (e as Error).message };
    }
  }

  private async record(message: Message, command: Command, n: number, outcome: Outcome, replied: string): Promise<void> {
    const head = `attempt ${n}: ${outcome.detail}`;
    const set = (status: 'sent' | 'failed' | 'retrying', detail: string) => this.stores.messages.setStatus(message.id, status, excerpt(detail, 600));
    if (outcome.kind === 'done') {
      this.counters.done++;
      await set('sent', head + replied);
      return;
    }
    const { maxAttempts } = this.deps.retry;
    if (outcome.kind === 'final' || n >= maxAttempts) {
      this.counters.failed++;
      await set('failed', outcome.kind === 'final' ? head : `${head}; out of attempts (${maxAttempts})`);
      this.deps.api.log.warn({ id: message.id, command: command.id, detail: outcome.detail }, 'two-way: command failed');
      return;
    }
    this.counters.retried++;
    const delay = retryDelayMs(n, this.deps.retry);
    await set('retrying', `${head}; next attempt in ${delay / 1000} s`);
    if (this.running) this.schedule(message.id, command.id, n + 1, delay);
  }
}
