// A durable reactor on the event log, for users' submits: when one reaches a final status, its receipt is
// committed as a message for the user (receipt-message.ts) and from there travels like any other message.
// Only what the client asked for is sent (registered_delivery: 1 = any final outcome, 2 = failures only).
// The reactor's cursor is in the store: a status committed while the gateway was down, by another process
// or just before a crash gets its receipt at the next start; the receipts' idempotency keys keep a change
// handed over twice (at least once) from making two.
import { isNowsmsError, smsOf, type MessageStatus, type NewMessage, type StatusChange } from 'nowsms';
import { registeredDeliveryOf } from '../shared/meta.ts';
import { CONNECTION_ID, type ServerContext } from './context.ts';
import { receiptMessages, type FinalStatus } from './receipt-message.ts';

const FINAL = new Set<MessageStatus>(['delivered', 'undeliverable', 'failed']);
/**
 * Bounded memory of receipts already made, to skip the work for an outcome reported twice (a repeated SMSC
 * receipt); that no receipt is made twice rests on their idempotency keys, not on this.
 */
const REMEMBER = 100_000;
/** The name of the reactor, under which its cursor is saved. */
export const RECEIPTS_REACTOR = 'smpp-server:receipts';

function wanted(registeredDelivery: number, status: FinalStatus): boolean {
  switch (registeredDelivery & 0x03) {
    case 1:
      return true;
    case 2:
      return status !== 'delivered';
    default:
      return false;
  }
}

interface Due {
  id: string;
  status: FinalStatus;
  user: string;
  receipts: NewMessage[];
}

export class Receipts {
  private readonly made = new Set<string>();

  constructor(private readonly ctx: ServerContext) {}

  /** A batch of the event log: the final statuses of users' submits that asked for them become receipts. */
  async handle(changes: StatusChange[]): Promise<void> {
    // Most changes are not about an SMPP user's submit reaching its end: passed over without a read.
    const mine = changes.filter((c) => FINAL.has(c.status) && c.direction === 'MT' && c.via === CONNECTION_ID && c.user !== undefined);
    if (mine.length === 0) return;
    // Looked up together: the store answers gets issued in one turn with one read.
    const due = await Promise.all(mine.map((c) => this.due(c.messageId, c.status)));
    await this.commit(due.filter((d): d is Due => d !== undefined));
  }

  private async due(id: string, status: MessageStatus): Promise<Due | undefined> {
    if (!FINAL.has(status)) return undefined;
    const once = `${id}|${status}`;
    if (this.made.has(once)) return undefined;
    const { stores } = this.ctx;
    const message = await stores.messages.get(id);
    if (!message || message.direction !== 'MT' || message.via !== CONNECTION_ID || !message.user) return undefined;
    if (!wanted(registeredDeliveryOf(smsOf(message).receipt ?? 'none'), status as FinalStatus)) return undefined;
    const user = await stores.users.get(message.user);
    if (!user || user.removed || !user.smppLogin) return undefined;
    return { id, status: status as FinalStatus, user: user.name, receipts: receiptMessages(message, status as FinalStatus, user.name) };
  }

  private async commit(due: Due[]): Promise<void> {
    if (due.length === 0) return;
    const { log, counters } = this.ctx;
    try {
      const accepted = await this.ctx.submit(due.flatMap((d) => d.receipts));
      // Remembered only once committed: a batch that fails comes again whole, and none of it is skipped then.
      if (this.made.size + due.length > REMEMBER) this.made.clear();
      for (const d of due) this.made.add(`${d.id}|${d.status}`);
      let at = 0;
      for (const d of due) {
        const mine = accepted.slice(at, (at += d.receipts.length)).filter((a) => !a.duplicate);
        if (mine.length === 0) continue;
        counters.receipts += mine.length;
        log.info({ id: d.id, status: d.status, user: d.user, receipts: mine.map((a) => a.id) }, 'smpp receipt queued for the submitter');
      }
    } catch (err) {
      // One bad receipt must not cost the others theirs.
      if (due.length > 1) {
        for (const d of due) await this.commit([d]);
        return;
      }
      // A store that cannot write now: the reactor is handed the change again later (its cursor stays).
      if (isNowsmsError(err) && err.temporary) throw err;
      log.error({ err, ids: due.map((d) => d.id) }, 'cannot commit the smpp receipt; it is lost');
    }
  }
}
