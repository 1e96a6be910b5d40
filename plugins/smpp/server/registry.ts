// Who is bound, and to which user's outbox each receiving session belongs. The gateway's `inMailbox` hook
// (driven from the event log, so a message another process committed comes too) lands here: a message for
// a user with a bound receiver is offered at once; for anyone else it simply waits in the mailbox.
import type { ServerContext } from './context.ts';
import { Outbox } from './outbox.ts';
import type { Session } from './session.ts';

export class Registry {
  // Kept after the last unbind: a delivery still in flight must find the same outbox when the user returns.
  private readonly outboxes = new Map<string, Outbox>();
  private readonly boundSessions = new Set<Session>();

  constructor(private readonly ctx: ServerContext) {}

  bound(session: Session): void {
    this.boundSessions.add(session);
    this.ctx.counters.bound = this.boundSessions.size;
    if (session.receives && session.user) this.outboxOf(session.user.name).attach(session);
  }

  /** The session ended (unbind, close, drop); calling it for a session never bound does nothing. */
  gone(session: Session): void {
    if (!this.boundSessions.delete(session)) return;
    this.ctx.counters.bound = this.boundSessions.size;
    if (session.user) this.outboxes.get(session.user.name)?.detach(session);
  }

  offer(user: string, uid: string): void {
    this.outboxes.get(user)?.offer(uid);
  }

  /** The message left its mailbox another way (an operator's delete): nothing still waiting sends it. */
  withdraw(uid: string): void {
    for (const o of this.outboxes.values()) o.withdraw(uid);
  }

  private outboxOf(user: string): Outbox {
    let o = this.outboxes.get(user);
    if (!o) {
      o = new Outbox(user, this.ctx);
      this.outboxes.set(user, o);
    }
    return o;
  }
}
