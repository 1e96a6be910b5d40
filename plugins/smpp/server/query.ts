// query_sm: the state of one of the user's own messages, from the store.
import smpp, { type PDU } from 'smpp';
import type { MessageStatus } from 'nowsms';
import { absoluteTime } from '../shared/time.ts';
import type { ServerContext } from './context.ts';
import type { Session } from './session.ts';

const STATE: Record<MessageStatus, number> = {
  received: 1,
  queued: 1,
  'no-route': 1,
  retrying: 1,
  sent: 1,
  'in-mailbox': 1,
  delivered: 2,
  retrieved: 2,
  undeliverable: 5,
  failed: 5,
  deleted: 4,
};
const FINAL = new Set<MessageStatus>(['delivered', 'retrieved', 'undeliverable', 'failed', 'deleted']);

export async function handleQuery(ctx: ServerContext, session: Session, pdu: PDU): Promise<void> {
  const id = String(pdu.message_id ?? '');
  const summary = id ? await ctx.stores.messages.summary(id) : undefined;
  // Another user's message is answered exactly like a missing one.
  if (!summary || summary.user !== session.user?.name) {
    session.respond(pdu, { command_status: smpp.ESME_RQUERYFAIL });
    return;
  }
  const last = summary.history.at(-1);
  session.respond(pdu, {
    message_id: id,
    final_date: FINAL.has(summary.status) && last ? absoluteTime(last.at) : '',
    message_state: STATE[summary.status],
    error_code: 0,
  });
}
