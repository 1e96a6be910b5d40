// The `status` hook, for users' submits: when one reaches a final status, its receipt is committed as a
// message for the user (receipt-message.ts) and from there travels like any other message. Only what the
// client asked for is sent (registered_delivery: 1 = any final outcome, 2 = failures only).
import type { MessageStatus } from '../../../core/index.ts';
import { smppMetaOf } from '../shared/meta.ts';
import { CONNECTION_ID, type ServerContext } from './context.ts';
import { receiptMessages, type FinalStatus } from './receipt-message.ts';

const FINAL = new Set<MessageStatus>(['delivered', 'undeliverable', 'failed']);
/** Bounded memory of receipts already made: the hook may report one outcome twice (a repeated SMSC receipt). */
const REMEMBER = 100_000;

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

export class Receipts {
  private readonly made = new Set<string>();

  constructor(private readonly ctx: ServerContext) {}

  async onStatus(id: string, status: MessageStatus): Promise<void> {
    if (!FINAL.has(status)) return;
    const once = `${id}|${status}`;
    if (this.made.has(once)) return;
    const { stores, log, counters } = this.ctx;
    const message = await stores.messages.get(id);
    if (!message || message.direction !== 'MT' || message.via !== CONNECTION_ID || !message.user) return;
    if (!wanted(smppMetaOf(message.meta).registeredDelivery ?? 0, status as FinalStatus)) return;
    const user = await stores.users.get(message.user);
    if (!user || user.removed || !user.smppLogin) return;
    if (this.made.size >= REMEMBER) this.made.clear();
    this.made.add(once);
    try {
      const receipts = receiptMessages(message, status as FinalStatus, user.name);
      const accepted = await this.ctx.submit(receipts);
      counters.receipts += accepted.length;
      log.info({ id, status, user: user.name, receipts: accepted.map((a) => a.id) }, 'smpp receipt queued for the submitter');
    } catch (err) {
      this.made.delete(once);
      log.error({ err, id, status, user: user.name }, 'cannot commit the smpp receipt; it is lost');
    }
  }
}
