// An m-delivery-ind (or m-read-orig-ind) from the MMSC, in a WAP push like a notification: the outcome of an
// MMS this connection sent, found by the Message-ID its m-send-conf gave (the remote id).
import { SendError, type MmsPdu, type SendResult } from 'nowsms';
import type { Mm1Deps } from './transport.ts';

const OUTCOMES: Record<string, 'delivered' | 'undeliverable' | 'pending'> = {
  retrieved: 'delivered',
  expired: 'undeliverable',
  rejected: 'undeliverable',
  unreachable: 'undeliverable',
  unrecognised: 'undeliverable',
  deferred: 'pending',
  indeterminate: 'pending',
  forwarded: 'pending',
};

export async function report(deps: Mm1Deps, pdu: MmsPdu): Promise<SendResult> {
  if (!pdu.messageId) throw new SendError('permanent', `an ${pdu.messageType} without a Message-ID: it names no MMS`);
  const read = pdu.messageType === 'm-read-orig-ind';
  const status = read ? String(pdu.readStatus ?? 'read') : String(pdu.status ?? 'indeterminate');
  const outcome = read ? 'pending' : (OUTCOMES[status] ?? 'pending');
  const detail = read ? `read report: ${status}` : `MMS ${status}${pdu.to?.[0] ? ` for ${pdu.to[0].address}` : ''}`;
  const r = await deps.ctx().report({ connectionId: deps.id, remoteId: pdu.messageId, outcome, detail });
  deps.counters.reports++;
  return { detail: r ? `${detail}: message ${r.messageId} is ${r.status}` : `${detail}: no message sent here has Message-ID ${pdu.messageId} (kept)` };
}
