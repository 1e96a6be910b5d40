// Telling the operator that messages wait with no route, without a log line per message: a burst of
// 100,000 mails to a number nothing carries must not become 100,000 warnings (nor cost their CPU).
import type { Logger } from './log.ts';
import type { Message } from './types.ts';

/** At most one warning per this many ms; the messages in between are counted in the next one. */
const EVERY_MS = 60_000;

export class NoRouteNotice {
  private lastAt = -Infinity;
  private unsaid = 0;

  constructor(
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** An MT message was committed as no-route (`reason`: why no connection carries it, when one was found wanting). */
  note(message: Message, reason: string | undefined): void {
    this.unsaid++;
    const t = this.now();
    if (t - this.lastAt < EVERY_MS) return;
    this.log.warn(
      { id: message.id, to: message.to, kind: message.kind, ...(reason ? { reason } : {}), waitingSinceLastNotice: this.unsaid },
      `no connection carries this message: it waits as no-route until one does (${this.unsaid} since the last notice; nowsms queue list --no-route)`,
    );
    this.lastAt = t;
    this.unsaid = 0;
  }
}
