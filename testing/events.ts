// The event log as a test sees it: every change since the gateway started, and waiting for the one a test expects.
import type { MessageStatus, Reactor, StatusChange } from 'nowsms';

/** What a change must have to match: equal fields (`status` may be a list), or a predicate. */
export type ChangeMatch = (Partial<Omit<StatusChange, 'status'>> & { status?: MessageStatus | MessageStatus[] }) | ((change: StatusChange) => boolean);

export interface WaitOptions {
  /** Give up (reject, naming what was awaited and the changes seen) after this long; default 20 000 ms. */
  timeoutMs?: number;
  /** Only changes with a seq above this (a cursor: a change seen before does not count again). */
  after?: number;
}

interface Waiter {
  what: string;
  matches(c: StatusChange): boolean;
  resolve(c: StatusChange): void;
}

function matcher(match: ChangeMatch, after: number): (c: StatusChange) => boolean {
  if (typeof match === 'function') return (c) => c.seq > after && match(c);
  return (c) => {
    if (c.seq <= after) return false;
    for (const [k, want] of Object.entries(match)) {
      const have = (c as unknown as Record<string, unknown>)[k];
      if (k === 'status' && Array.isArray(want)) {
        if (!(want as unknown[]).includes(have)) return false;
      } else if (k === 'target') {
        if (JSON.stringify(have) !== JSON.stringify(want)) return false;
      } else if (have !== want) return false;
    }
    return true;
  };
}

/** Records the event log from the gateway's start (a reactor) and wakes the tests waiting on it. */
export class EventRecorder {
  readonly changes: StatusChange[] = [];
  private readonly waiters = new Set<Waiter>();

  readonly reactor: Reactor = {
    name: 'nowsms-testing:events',
    handle: (changes) => {
      this.changes.push(...changes);
      for (const c of changes)
        for (const w of this.waiters)
          if (w.matches(c)) {
            this.waiters.delete(w);
            w.resolve(c);
          }
    },
  };

  /** The first change (since the gateway started) that matches, as soon as the log has it. */
  wait(match: ChangeMatch, opts: WaitOptions = {}): Promise<StatusChange> {
    const matches = matcher(match, opts.after ?? 0);
    const seen = this.changes.find(matches);
    if (seen) return Promise.resolve(seen);
    const timeoutMs = opts.timeoutMs ?? 20_000;
    const what = typeof match === 'function' ? 'a change the predicate accepts' : JSON.stringify(match);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        what,
        matches,
        resolve: (c) => {
          clearTimeout(timer);
          resolve(c);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const last = this.changes
          .slice(-10)
          .map((c) => `${c.seq} ${c.messageId} ${c.status}${c.detail ? ` (${c.detail})` : ''}`)
          .join('; ');
        reject(new Error(`timed out after ${timeoutMs} ms waiting for a change ${what}; the last changes: ${last || 'none'}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }
}
