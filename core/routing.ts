// Where a message goes. Two rules live in core because users and connections are core ideas:
// a number in a receiving user's recipient addresses goes to that user's mailbox (the seed's option 3,
// for MO and MT alike), and MT with no other route goes out by the connections' rules.
import { matchesMask } from './address.ts';
import type { NowsmsPlugin } from './plugin.ts';
import { needOf, smsOf, type SmsNeed } from './sms-transport.ts';
import type { Carries, Connection, Message } from './types.ts';

/** The built-in route: a message to one of a receiving user's recipient addresses lands in their mailbox. */
export function userRoutes(): NowsmsPlugin {
  return {
    name: 'core:user-routes',
    setup(api) {
      api.hooks.route.tap('core:user-routes', async (message) => {
        const user = await api.stores.users.findByRecipient(message.to);
        return user ? { kind: 'mailbox', user: user.name } : undefined;
      });
    },
  };
}

/** How specific a mask is: the number of characters that are not wildcards. */
function specificity(mask: string): number {
  return mask.replace(/[*?]/g, '').length;
}

/** What a connection that says nothing carries: text SMS. */
export const DEFAULT_CARRIES: Readonly<Carries> = Object.freeze({ sms: true });

/** What outbound routing looks at in a message; `kind`, `parts` and `meta` default to a text SMS. */
export type Routable = Pick<Message, 'from' | 'to'> & Partial<Pick<Message, 'kind' | 'parts' | 'meta'>>;

const NEED_NAMES: Record<SmsNeed, string> = { sms: 'text SMS', binary: 'binary SMS', mms: 'MMS' };

function describeCarries(c: Connection): string {
  const carries = c.carries ?? DEFAULT_CARRIES;
  const what = (['sms', 'binary', 'mms'] as const).filter((k) => carries[k]).map((k) => NEED_NAMES[k]);
  const ports = carries.binary && carries.ports ? ` to ports ${carries.ports.join(', ')}` : '';
  return what.length ? `${what.join(', ')}${ports}` : 'nothing';
}

/** Why the connection cannot carry the message; undefined when it can. */
export function cannotCarry(c: Connection, message: Routable): string | undefined {
  const carries = c.carries ?? DEFAULT_CARRIES;
  const need = needOf(message);
  if (!carries[need]) return `${c.id} carries ${describeCarries(c)}, not ${NEED_NAMES[need]}`;
  const port = need === 'binary' ? smsOf({ meta: message.meta ?? {}, ...(message.parts ? { parts: message.parts } : {}) }).ports?.destination : undefined;
  if (port !== undefined && carries.ports && !carries.ports.includes(port)) return `${c.id} does not send to application port ${port}`;
  return undefined;
}

/** The connections whose rules take this message, best rule first: own number, most specific mask, any traffic. */
function byRules(message: Routable, outbound: Connection[]): Connection[] {
  const out: Connection[] = outbound.filter((c) => c.numbers?.includes(message.from));
  const masked: { c: Connection; score: number }[] = [];
  for (const c of outbound) {
    let score = -1;
    for (const mask of c.recipients ?? []) if (matchesMask(message.to, mask)) score = Math.max(score, specificity(mask));
    if (score >= 0) masked.push({ c, score });
  }
  // Stable sort: equal masks keep the connections' order, as the first-found rule did.
  out.push(...masked.sort((a, b) => b.score - a.score).map((m) => m.c));
  out.push(...outbound.filter((c) => c.anyTraffic));
  return out;
}

/**
 * Outbound routing (NowSMS's order): a connection whose own number or sender equals the message's sender;
 * else the connection with the most specific recipient mask that matches; else one open to any traffic.
 * A rule whose connection cannot carry the message falls through to the next. No connection: the reason,
 * in words for the message's status history.
 */
export function chooseRoute(message: Routable, connections: readonly Connection[]): { id: string } | { reason: string } {
  const outbound = connections.filter((c) => typeof c.send === 'function');
  if (outbound.length === 0) return { reason: 'no outbound connection is configured: add an SMSC connection or a modem' };
  const matched = byRules(message, outbound);
  if (matched.length === 0) return { reason: `no connection takes ${message.to}: no matching number or recipient mask, and none open to any traffic` };
  const refused: string[] = [];
  for (const c of matched) {
    const why = cannotCarry(c, message);
    if (!why) return { id: c.id };
    if (!refused.includes(why)) refused.push(why);
  }
  const need = NEED_NAMES[needOf(message)];
  return { reason: `no connection that takes ${message.to} carries ${need} (${refused.join('; ')}): add a connection that carries ${need}` };
}

/** chooseRoute's connection id, or undefined. */
export function chooseConnection(message: Routable, connections: readonly Connection[]): string | undefined {
  const r = chooseRoute(message, connections);
  return 'id' in r ? r.id : undefined;
}
