// A stored message as the deliver_sm PDUs a bound client receives: the text in GSM 7-bit (unpacked, data
// coding 0) when every character has a GSM code, else UCS-2 (8); a binary part as it came; a long message
// cut as the `longMessages` option says; a receipt as SMPP 3.4 Appendix B describes it.
import type { PDUFields } from 'smpp';
import { textOf, type Message } from 'nowsms';
import { DEFAULT_ADDRESS_RULES, toWire } from '../shared/address.ts';
import { planSegments, type LongMessages } from '../shared/encoding.ts';
import { contentOf } from '../shared/meta.ts';
import { receiptMeta } from './receipt-message.ts';

const ESM_RECEIPT = 0x04;
const DC_DEFAULT = 0x00;

let nextRef = Math.floor(Math.random() * 0x10000);

function addressFields(source: string, destination: string): PDUFields {
  const s = toWire(source, DEFAULT_ADDRESS_RULES);
  const d = toWire(destination, DEFAULT_ADDRESS_RULES);
  return {
    source_addr_ton: s.ton,
    source_addr_npi: s.npi,
    source_addr: s.addr,
    dest_addr_ton: d.ton,
    dest_addr_npi: d.npi,
    destination_addr: d.addr,
  };
}

/** Receipts travel as octets that read the same in ASCII and in unpacked GSM 7-bit: receipt parsers differ on which they expect. */
function receiptSafe(text: string): string {
  return text.replace(/[^\x20-\x23\x25-\x3f\x41-\x5a\x61-\x7a]/g, '?');
}

export function deliverPdus(message: Message, longMessages: LongMessages): PDUFields[] {
  const receipt = receiptMeta(message);
  if (receipt) {
    return [
      {
        ...addressFields(receipt.source, receipt.destination),
        esm_class: ESM_RECEIPT,
        data_coding: DC_DEFAULT,
        short_message: Buffer.from(receiptSafe(textOf(message)), 'latin1'),
        receipted_message_id: receipt.id,
        message_state: receipt.messageState,
      },
    ];
  }
  nextRef = (nextRef + 1) & 0xffff;
  const segments = planSegments(contentOf(message), { longMessages, coding: 'gsm7', ref: nextRef });
  const base = addressFields(message.from, message.to);
  return segments.map((s) => ({
    ...base,
    esm_class: s.esmClass,
    data_coding: s.dataCoding,
    short_message: s.shortMessage,
    ...(s.payload ? { message_payload: s.payload } : {}),
    ...(s.sar ? { sar_msg_ref_num: s.sar.ref, sar_total_segments: s.sar.total, sar_segment_seqnum: s.sar.seq } : {}),
  }));
}
