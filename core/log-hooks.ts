// The hooks that report what happened to messages (`status`, `inMailbox`, `enqueued`) are driven from the
// event log, so a change committed by the CLI or another process reaches them as one made here does. The
// dispatcher is woken for a message another process queued, instead of finding it at its next poll.
import type { Reactor } from './events.ts';
import type { GatewayHooks } from './hooks.ts';

export const HOOKS_REACTOR = 'core:hooks';

/** `queued`: a message was queued for a connection (its dispatcher looks, unless it has the message already). */
export function hooksReactor(hooks: GatewayHooks, queued: (connectionId: string, messageId: string) => void): Reactor {
  return {
    name: HOOKS_REACTOR,
    async handle(changes) {
      const calls: Promise<void>[] = [];
      // No handler tapped: no promise per change (this runs for every change of every message).
      const status = hooks.status.size > 0;
      const inMailbox = hooks.inMailbox.size > 0;
      const enqueued = hooks.enqueued.size > 0;
      for (const c of changes) {
        if (status) calls.push(hooks.status.call(c));
        if (c.status === 'in-mailbox') {
          if (inMailbox) calls.push(hooks.inMailbox.call(c));
        } else if (c.status === 'queued' || c.status === 'no-route') {
          if (c.target?.kind === 'connection') queued(c.target.id, c.messageId);
          if (enqueued) calls.push(hooks.enqueued.call(c));
        }
      }
      // A parallel hook logs its handlers' failures itself: nothing here throws.
      if (calls.length > 0) await Promise.all(calls);
    },
  };
}
