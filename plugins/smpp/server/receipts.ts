// The `status` hook, for users' submits: when one reaches a final status, its receipt is committed as a
// message for the user (receipt-message.ts) and from there travels like any other message. Only what the
// client asked for is sent (registered_delivery: 1 = any final outcome, 2 = failures only).
import { smsOf, type MessageStatus, type NewMessage } from '../../../core/index.ts';
import { registeredDeliveryOf } from '../shared/meta.ts';
import { CONNECTION_ID, type ServerContext } from './context.ts';
import { receiptMessages, type FinalStatus } from './receipt-message.ts';

const FINAL = new Set<MessageStatus>(['delivered', 'undeliverable', 'failed']);
/**
 * Bounded memory of receipts already made, to skip the work for an outcome reported twice (a repeated SMSC
 * receipt); that no receipt is made twice rests on their idempotency keys, not on this.
 */
const REMEMBER = 100_000;
/**
 * Status changes looked at again at start: those whose receipt a crash may have cut off. The hook runs
 * right after each change is committed, so only the last moments before a crash can lack their receipt.
 */
const REPLAY = 10_000;

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

/** Replayed receipts go to the store this many at a time (one commit each; duplicates are found in bulk). */
const REPLAY_BATCH = 200;

interface Due {
  id: string;
  status: FinalStatus;
  user: string;
  receipts: NewMessage[];
}

export class Receipts {
  private readonly made = new Set<string>();

  constructor(private readonly ctx: ServerContext) {}

  /** The status hook: a final status of a user's submit that asked for it becomes its receipt. */
  async onStatus(id: string, status: MessageStatus): Promise<void> {
    const due = await this.due(id, status);
    if (due) await this.commit([due]);
  }

  /**
   * After a restart: the final statuses of the last moments before it, oldest first, as the hook would
   * have seen them. A receipt already made is a duplicate by its idempotency key and is not made again.
   */
  async replay(): Promise<void> {
    try {
      const changes = (await this.ctx.stores.messages.recentStatusChanges(REPLAY)).reverse().filter((c) => FINAL.has(c.status));
      for (let i = 0; i < changes.length; i += REPLAY_BATCH) {
        // Looked up together: the store answers gets issued in one turn with one read.
        const due = await Promise.all(changes.slice(i, i + REPLAY_BATCH).map((c) => this.due(c.messageId, c.status)));
        await this.commit(due.filter((d): d is Due => d !== undefined));
      }
    } catch (err) {
      this.ctx.log.error({ err }, 'cannot look for receipts a restart may have cut off');
    }
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
    if (this.made.size >= REMEMBER) this.made.clear();
    this.made.add(once);
    return { id, status: status as FinalStatus, user: user.name, receipts: receiptMessages(message, status as FinalStatus, user.name) };
  }

  private async commit(due: Due[]): Promise<void> {
    if (due.length === 0) return;
    const { log, counters } = this.ctx;
    try {
      const accepted = await this.ctx.submit(due.flatMap((d) => d.receipts));
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
      for (const d of due) this.made.delete(`${d.id}|${d.status}`);
      log.error({ err, ids: due.map((d) => d.id) }, 'cannot commit the smpp receipt; it is lost');
    }
  }
}
