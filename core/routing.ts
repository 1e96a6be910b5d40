// Where a message goes. Two rules live in core because users and connections are core ideas:
// a number in a receiving user's recipient addresses goes to that user's mailbox (the seed's option 3,
// for MO and MT alike), and MT with no other route goes out by the connections' rules.
import { matchesMask } from './address.ts';
import type { NowsmsPlugin } from './plugin.ts';
import type { Connection, Message } from './types.ts';

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

/**
 * Outbound routing (NowSMS's order): a connection whose own number or sender equals the message's sender;
 * else the connection with the most specific recipient mask that matches; else one open to any traffic.
 */
export function chooseConnection(message: Pick<Message, 'from' | 'to'>, connections: Connection[]): string | undefined {
  const outbound = connections.filter((c) => typeof c.send === 'function');
  const bySender = outbound.find((c) => c.numbers?.includes(message.from));
  if (bySender) return bySender.id;
  let best: { id: string; score: number } | undefined;
  for (const c of outbound) {
    for (const mask of c.recipients ?? []) {
      if (matchesMask(message.to, mask) && (!best || specificity(mask) > best.score)) best = { id: c.id, score: specificity(mask) };
    }
  }
  if (best) return best.id;
  return outbound.find((c) => c.anyTraffic)?.id;
}
