// A queued message as submit_sm PDUs: sender and recipient with their TON/NPI, the user data cut in the
// configured long-message form, registered_delivery from the message or the connection's default.
import type { PDUFields } from 'smpp';
import { smsOf, type Message } from 'nowsms';
import { toWire, type AddressRules } from '../shared/address.ts';
import { planSegments } from '../shared/encoding.ts';
import { contentOf, registeredDeliveryOf } from '../shared/meta.ts';
import { relativeTime } from '../shared/time.ts';
import type { ResolvedClientOptions } from './options.ts';

export function senderOf(message: Message, opts: ResolvedClientOptions): string {
  if (!opts.allowSenderOverride && opts.defaultSender) return opts.defaultSender;
  return message.from || opts.defaultSender || '';
}

/** registered_delivery: the submitter's request wins, then the connection's default (1 = final receipt). */
function registeredDelivery(message: Message, opts: ResolvedClientOptions): number {
  const asked = smsOf(message).receipt;
  if (asked !== undefined) return registeredDeliveryOf(asked);
  return opts.registeredDelivery ? 1 : 0;
}

export function submitPdus(message: Message, opts: ResolvedClientOptions, ref: number): PDUFields[] {
  const rules: AddressRules = opts.addressing;
  const source = toWire(senderOf(message, opts), rules, opts.addressing.source);
  const dest = toWire(message.to, rules, opts.addressing.destination);
  const rd = registeredDelivery(message, opts);
  const { protocolId, validityMinutes } = smsOf(message);
  return planSegments(contentOf(message), { longMessages: opts.longMessages, coding: opts.dataCoding, ref }).map((seg) => {
    const fields: PDUFields = {
      service_type: opts.serviceType,
      source_addr_ton: source.ton,
      source_addr_npi: source.npi,
      source_addr: source.addr,
      dest_addr_ton: dest.ton,
      dest_addr_npi: dest.npi,
      destination_addr: dest.addr,
      esm_class: seg.esmClass,
      ...(protocolId !== undefined ? { protocol_id: protocolId } : {}),
      registered_delivery: rd,
      ...(validityMinutes !== undefined ? { validity_period: relativeTime(validityMinutes) } : {}),
      data_coding: seg.dataCoding,
      // A Buffer goes out as it is: the package's text filter never touches it.
      short_message: seg.shortMessage,
    };
    if (seg.payload) fields.message_payload = seg.payload;
    if (seg.sar) {
      fields.sar_msg_ref_num = seg.sar.ref;
      fields.sar_total_segments = seg.sar.total;
      fields.sar_segment_seqnum = seg.sar.seq;
    }
    return fields;
  });
}
