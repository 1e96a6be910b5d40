// A delivery receipt for a user's submit, kept as a message of its own: an MO with `routeTo: user` and
// `meta.receiptFor`, committed like any received SMS. So a receipt is durable the moment it is made, waits
// in the user's mailbox while the user is not bound, and leaves it only on deliver_sm_resp OK, by the same
// path as every other message. The SMPP details it needs at delivery time ride in `meta.smppReceipt`.
import { textOf, type Message, type NewMessage } from 'nowsms';
import { formatReceipt, MESSAGE_STATE } from '../shared/receipt.ts';
import { CONNECTION_ID } from './context.ts';

export type FinalStatus = 'delivered' | 'undeliverable' | 'failed';

interface SmppReceiptMeta {
  /** The message_id the client was given in submit_sm_resp. */
  id: string;
  messageState: number;
  /** deliver_sm addresses: the phone the original went to, and the sender it carried. */
  source: string;
  destination: string;
}

export interface ReceiptInfo extends SmppReceiptMeta {
  receiptFor: string;
}

const STAT: Record<FinalStatus, string> = {
  delivered: 'DELIVRD',
  undeliverable: 'UNDELIV',
  // The gateway gave up on it (refused by the SMSC, or out of attempts): nothing will deliver it now.
  failed: 'UNDELIV',
};

/** The receipt facts of a stored receipt message, or undefined for an ordinary message. */
export function receiptMeta(message: Message): ReceiptInfo | undefined {
  const r = message.meta.smppReceipt as SmppReceiptMeta | undefined;
  const receiptFor = message.meta.receiptFor;
  if (!r || typeof receiptFor !== 'string') return undefined;
  return { ...r, receiptFor };
}

/** The message ids the client holds for this submit: one per submit_sm (every segment of a long one). */
export function submittedIds(original: Message): string[] {
  const segments = Array.isArray(original.meta.smppSegmentIds) ? (original.meta.smppSegmentIds as string[]) : [];
  return original.meta.smppMessageIdGiven === false ? segments : [...segments, original.id];
}

export function receiptMessages(original: Message, status: FinalStatus, user: string, now = new Date()): NewMessage[] {
  const stat = STAT[status];
  const text = textOf(original);
  // The pipeline accepts only a phone number as `to`; an alphanumeric sender lives on in meta.
  const to = /^\+?\d+$/.test(original.from) ? original.from : original.to;
  const ids = submittedIds(original);
  return ids.map((id) => ({
    direction: 'MO',
    kind: 'sms',
    from: original.to,
    to,
    via: CONNECTION_ID,
    routeTo: user,
    receivedAt: now,
    // One receipt per submitted id and outcome, even when a restart looks at the outcome again.
    idempotencyKey: `${CONNECTION_ID}:receipt:${original.id}:${id}:${stat}`,
    parts: [
      {
        contentType: 'text/plain; charset=utf-8',
        data: Buffer.from(
          formatReceipt({
            id,
            sub: 1,
            dlvrd: status === 'delivered' ? 1 : 0,
            submitDate: original.receivedAt,
            doneDate: now,
            stat,
            err: '000',
            text,
          }),
          'utf8',
        ),
      },
    ],
    meta: {
      receiptFor: original.id,
      smppReceipt: { id, messageState: MESSAGE_STATE[stat] ?? 7, source: original.to, destination: original.from } satisfies SmppReceiptMeta,
    },
  }));
}
