// The hook kinds (tapable's idea, kept small). Each hook's kind is declared once, in GatewayHooks below,
// so a plug-in author's autocomplete tells them how their handler is called.
import { NowsmsError } from './errors.ts';
import type { Logger } from './log.ts';
import type { Message, QueueEntry, RouteTarget, SendResult, StatusChange } from './types.ts';

type Awaitable<T> = T | Promise<T>;

interface Tap<F> {
  name: string;
  fn: F;
}

/** How long one handler may take before it counts as a temporary failure (Haraka's plug-in timeout). */
export const DEFAULT_HOOK_TIMEOUT_MS = 30_000;

async function withTimeout<T>(hook: string, tap: string, ms: number, run: () => Awaitable<T>): Promise<T> {
  const result = run();
  // A handler that answered at once cannot hang: no timer (this runs several times for every message).
  if (!isThenable(result)) return result;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new NowsmsError('NOWSMS_ERR_HOOK_TIMEOUT', `plug-in ${tap} did not answer hook ${hook} within ${ms} ms`, { temporary: true })),
      ms,
    );
  });
  try {
    return await Promise.race([result, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function isThenable<T>(v: Awaitable<T>): v is Promise<T> {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}

abstract class BaseHook<F> {
  protected taps: Tap<F>[] = [];
  private frozen = false;
  timeoutMs = DEFAULT_HOOK_TIMEOUT_MS;

  constructor(readonly name: string) {}

  /** Add a handler. `name` is the plug-in's name, used in logs and timeout errors. */
  tap(name: string, fn: F): void {
    if (this.frozen) throw new NowsmsError('NOWSMS_ERR_FROZEN', `hook ${this.name}: plug-in ${name} tapped it after the gateway started; tap hooks in setup()`);
    this.taps.push({ name, fn });
  }

  get size(): number {
    return this.taps.length;
  }

  freeze(): void {
    this.frozen = true;
  }
}

/** Handlers run one after another; the first error stops the chain. */
export class SeriesHook<A extends unknown[]> extends BaseHook<(...args: A) => Awaitable<void>> {
  async call(...args: A): Promise<void> {
    for (const t of this.taps) await withTimeout(this.name, t.name, this.timeoutMs, () => t.fn(...args));
  }
}

/** Handlers run together; a failing handler is logged and never disturbs the others or the caller. */
export class ParallelHook<A extends unknown[]> extends BaseHook<(...args: A) => Awaitable<void>> {
  log: Logger | undefined;

  async call(...args: A): Promise<void> {
    const results = await Promise.allSettled(this.taps.map((t) => withTimeout(this.name, t.name, this.timeoutMs, () => t.fn(...args))));
    results.forEach((r, i) => {
      if (r.status === 'rejected') this.log?.error({ err: r.reason, hook: this.name, plugin: this.taps[i]?.name }, 'hook handler failed');
    });
  }
}

/** Handlers run in order until one returns something other than undefined. */
export class FirstResultHook<A extends unknown[], R> extends BaseHook<(...args: A) => Awaitable<R | undefined>> {
  async call(...args: A): Promise<R | undefined> {
    for (const t of this.taps) {
      const r = await withTimeout(this.name, t.name, this.timeoutMs, () => t.fn(...args));
      if (r !== undefined) return r;
    }
    return undefined;
  }
}

/** Each handler receives the previous one's result. */
export class WaterfallHook<T> extends BaseHook<(value: T) => Awaitable<T>> {
  async call(value: T): Promise<T> {
    let v = value;
    for (const t of this.taps) v = await withTimeout(this.name, t.name, this.timeoutMs, () => t.fn(v));
    return v;
  }
}

/** Every hook of the gateway. The object is frozen; hooks refuse new taps once the gateway runs. */
export interface GatewayHooks {
  /** Rewrite a message before routing (waterfall): add meta, fix addresses, reject by throwing NowsmsError. */
  normalize: WaterfallHook<Message>;
  /**
   * Claim a message for an application before any other route (first result wins): ahead of the "(FM: user)"
   * reply route, a connection's `routeTo` and the `route` hook. For traffic addressed to a plug-in rather than
   * a person, such as a WAP push (SMS to port 2948) for the MMS plug-in that fetches what it announces.
   */
  claim: FirstResultHook<[Message], RouteTarget>;
  /** Choose where a message goes (first result wins). Undefined from every handler: outbound routing by connection rules. */
  route: FirstResultHook<[Message], RouteTarget>;
  /** From the event log: a message entered a connection's queue (`queued`) or waits with no route (`no-route`). */
  enqueued: ParallelHook<[StatusChange]>;
  /** From the event log: a message entered a user's mailbox (status `in-mailbox`; `target.user` is the user). */
  inMailbox: ParallelHook<[StatusChange]>;
  /** This gateway's dispatcher: one of its connections accepted a message (after the store recorded it as sent). */
  sent: ParallelHook<[QueueEntry, SendResult]>;
  /** This gateway's dispatcher: a message failed for good (after the store recorded it). */
  failed: ParallelHook<[QueueEntry, Error]>;
  /** From the event log: every change, whichever process committed it. */
  status: ParallelHook<[StatusChange]>;
}

export function createHooks(log?: Logger): GatewayHooks {
  const parallel = <A extends unknown[]>(name: string) => {
    const h = new ParallelHook<A>(name);
    h.log = log;
    return h;
  };
  return Object.freeze({
    normalize: new WaterfallHook<Message>('normalize'),
    claim: new FirstResultHook<[Message], RouteTarget>('claim'),
    route: new FirstResultHook<[Message], RouteTarget>('route'),
    enqueued: parallel<[StatusChange]>('enqueued'),
    inMailbox: parallel<[StatusChange]>('inMailbox'),
    sent: parallel<[QueueEntry, SendResult]>('sent'),
    failed: parallel<[QueueEntry, Error]>('failed'),
    status: parallel<[StatusChange]>('status'),
  });
}

export function freezeHooks(hooks: GatewayHooks): void {
  for (const h of Object.values(hooks) as BaseHook<unknown>[]) h.freeze();
}
