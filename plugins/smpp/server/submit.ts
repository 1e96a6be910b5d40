// submit_sm: throttle, check, commit, and only then answer with the gateway's message id.
import smpp from 'smpp';
import type { GoodFrame } from '../shared/framing.ts';
import type { ServerContext } from './context.ts';
import type { Intake } from './intake.ts';
import type { Session } from './session.ts';
import { submitStatus } from './status-codes.ts';
import type { Throttle } from './throttle.ts';
import { readSubmit } from './validate.ts';

export async function handleSubmit(ctx: ServerContext, intake: Intake, throttle: Throttle, session: Session, frame: GoodFrame): Promise<void> {
  const { pdu } = frame;
  const user = session.user;
  if (!session.transmits || !user) {
    session.respond(pdu, { command_status: smpp.ESME_RINVBNDSTS });
    return;
  }
  if (!throttle.take(user.name)) {
    ctx.counters.throttled++;
    session.respond(pdu, { command_status: smpp.ESME_RTHROTTLED });
    return;
  }
  const read = readSubmit(ctx, user, frame);
  if (!read.ok) {
    ctx.counters.rejected++;
    ctx.log.info({ user: user.name, session: session.id, status: read.status, reason: read.reason }, 'submit_sm refused');
    session.respond(pdu, { command_status: read.status });
    return;
  }
  let id: string;
  try {
    id = read.concat ? await intake.segment(user.name, read.message, read.concat) : await intake.whole(read.message);
  } catch (err) {
    const status = submitStatus(err);
    ctx.counters.rejected++;
    ctx.log.info({ user: user.name, session: session.id, status, err }, 'submit_sm not committed');
    session.respond(pdu, { command_status: status });
    return;
  }
  ctx.counters.submitted++;
  session.respond(pdu, { message_id: id });
}
