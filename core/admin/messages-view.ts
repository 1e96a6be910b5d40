// `messages.list` and `messages.get`: messages as an operator's tool shows them (dates as ISO strings),
// read through the message store.
import { NowsmsError } from '../errors.ts';
import type { Direction, MessageStatus, MessageSummary, Stores } from '../types.ts';
import type { MessageView } from './protocol.ts';

/** How many messages a number filter looks through: the newest ones. */
const NUMBER_SCAN = 5000;

export function messageView(m: MessageSummary): MessageView {
  const v: MessageView = {
    id: m.id,
    direction: m.direction,
    kind: m.kind,
    from: m.from,
    to: m.to,
    receivedAt: m.receivedAt.toISOString(),
    status: m.status,
    parts: m.parts,
    history: m.history.map((h) => ({ at: h.at.toISOString(), status: h.status, ...(h.detail === undefined ? {} : { detail: h.detail }) })),
  };
  if (m.user !== undefined) v.user = m.user;
  if (m.via !== undefined) v.via = m.via;
  if (m.subject !== undefined) v.subject = m.subject;
  if (m.target !== undefined) v.target = m.target;
  return v;
}

export async function listMessages(
  stores: Stores,
  f: { user?: string | undefined; direction?: Direction | undefined; status?: MessageStatus | undefined; number?: string | undefined; limit: number },
): Promise<MessageView[]> {
  const filter = { ...(f.user ? { user: f.user } : {}), ...(f.direction ? { direction: f.direction } : {}), ...(f.status ? { status: f.status } : {}) };
  if (!f.number) return (await stores.messages.list({ ...filter, limit: f.limit })).map(messageView);
  // The store filters by user, direction and status; a number is looked for among the newest messages.
  const number = f.number;
  const all = await stores.messages.list({ ...filter, limit: NUMBER_SCAN });
  return all
    .filter((m) => m.from.includes(number) || m.to.includes(number))
    .slice(0, f.limit)
    .map(messageView);
}

export async function getMessage(stores: Stores, id: string): Promise<MessageView> {
  const m = await stores.messages.summary(id);
  if (!m) throw new NowsmsError('NOWSMS_ERR_NOT_FOUND', `no message ${id}: 'nowsms messages list' shows the latest ones`);
  return messageView(m);
}
