// What each request PDU from a client means, by command and session state (SMPP 3.4 section 2.3).
import smpp from 'smpp';
import type { GoodFrame } from '../shared/framing.ts';
import { handleBind, bindMode } from './bind.ts';
import type { ServerContext } from './context.ts';
import type { Intake } from './intake.ts';
import { handleQuery } from './query.ts';
import type { Registry } from './registry.ts';
import type { Session } from './session.ts';
import { handleSubmit } from './submit.ts';
import type { Throttle } from './throttle.ts';

/** Requests that have no response PDU of their own: refused with generic_nack. */
const NO_RESPONSE = new Set(['outbind', 'alert_notification']);

export interface DispatchDeps {
  registry: Registry;
  intake: Intake;
  throttle: Throttle;
}

export function dispatcher(ctx: ServerContext, deps: DispatchDeps): (session: Session, frame: GoodFrame) => Promise<void> {
  return async (session, frame) => {
    const { pdu } = frame;
    if (bindMode(pdu.command)) return handleBind(ctx, session, pdu, (s) => deps.registry.bound(s));
    switch (pdu.command) {
      case 'enquire_link':
        // Answered in any state: a client probing the link before its bind is harmless.
        session.respond(pdu);
        return;
      case 'unbind':
        if (!session.bound) {
          session.respond(pdu, { command_status: smpp.ESME_RINVBNDSTS });
          return;
        }
        session.state = 'closing';
        deps.registry.gone(session);
        session.respond(pdu);
        session.socket.end();
        return;
      case 'submit_sm':
        return handleSubmit(ctx, deps.intake, deps.throttle, session, frame);
      case 'query_sm':
        if (!session.bound) {
          session.respond(pdu, { command_status: smpp.ESME_RINVBNDSTS });
          return;
        }
        return handleQuery(ctx, session, pdu);
      default:
        if (NO_RESPONSE.has(pdu.command)) session.genericNack(pdu.sequence_number, smpp.ESME_RINVCMDID);
        else session.respond(pdu, { command_status: session.bound ? smpp.ESME_RINVCMDID : smpp.ESME_RINVBNDSTS });
    }
  };
}
