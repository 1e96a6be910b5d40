// SMPP fields to and from the gateway's protocol-neutral SMS transport facts (`message.meta.sms`, core's
// SmsTransport): data_coding, protocol_id, registered_delivery and the user data header (ports and other
// elements; concatenation is the segmenter's business). Binary messages have one part of content type
// `application/octet-stream` holding the octets after the header.
import {
  binarySmsOf,
  decodeDcs,
  SMS_BINARY_CONTENT_TYPE,
  smsOf,
  textOf,
  transportOfUdh,
  type Message,
  type SmsReceiptRequest,
  type SmsTransport,
} from 'nowsms';
import type { Alphabet, Content } from './encoding.ts';

export const BINARY_CONTENT_TYPE = SMS_BINARY_CONTENT_TYPE;

const REGISTERED_DELIVERY: Record<SmsReceiptRequest, number> = { none: 0, final: 1, failure: 2 };

export function registeredDeliveryOf(receipt: SmsReceiptRequest): number {
  return REGISTERED_DELIVERY[receipt];
}

/** What a submit_sm or deliver_sm says beyond its text. `udh` is the header as carried (UDHL included). */
export function transportOf(pdu: { dataCoding: number; protocolId?: number; registeredDelivery?: number; udh?: Buffer; alphabet: Alphabet }): SmsTransport {
  const out: SmsTransport = pdu.udh ? transportOfUdh(pdu.udh) : {};
  if (pdu.alphabet === 'binary') out.coding = '8bit';
  else if (pdu.alphabet === 'ucs2') out.coding = 'ucs2';
  else if (pdu.alphabet === 'gsm7') out.coding = 'gsm7';
  // SMPP's own table below 0x10 has no message class; above it is TS 23.038.
  if (pdu.dataCoding >= 0x10) {
    const cls = decodeDcs(pdu.dataCoding).messageClass;
    if (cls !== undefined) out.messageClass = cls;
  }
  if (pdu.protocolId) out.protocolId = pdu.protocolId;
  if (pdu.registeredDelivery !== undefined) {
    const rd = pdu.registeredDelivery & 0x03;
    if (rd === 1 || rd === 2) out.receipt = rd === 1 ? 'final' : 'failure';
  }
  return out;
}

/** The header elements every segment of the message carries (ports first, then the others), without UDHL. */
export function headerElements(sms: SmsTransport): Buffer | undefined {
  const out: Buffer[] = [];
  const p = sms.ports;
  if (p) {
    out.push(
      p.bits === 8
        ? Buffer.from([0x04, 2, p.destination, p.source])
        : Buffer.from([0x05, 4, p.destination >> 8, p.destination & 0xff, p.source >> 8, p.source & 0xff]),
    );
  }
  if (sms.udh) out.push(Buffer.from(sms.udh, 'hex'));
  return out.length ? Buffer.concat(out) : undefined;
}

/** data_coding for 8-bit data: 0x04, or the 23.038 data-class group (0xF4 + class) when a class is asked for. */
export function binaryDataCoding(sms: SmsTransport): number {
  return sms.messageClass === undefined ? 0x04 : 0xf4 | sms.messageClass;
}

/** A stored message as the user data SMPP carries: a binary SMS with its header elements, else text. */
export function contentOf(message: Message): Content {
  const bin = binarySmsOf(message);
  if (bin) {
    const header = headerElements(bin.sms);
    return { kind: 'binary', data: bin.data, dataCoding: binaryDataCoding(bin.sms), ...(header ? { header } : {}) };
  }
  const sms = smsOf(message);
  const header = message.kind === 'sms' ? headerElements(sms) : undefined;
  // An MMS has no SMS form: its text, else its subject, is what can be given.
  const text = textOf(message) || (message.kind === 'mms' ? (message.subject ?? '') : '');
  return { kind: 'text', text, ...(sms.messageClass !== undefined ? { messageClass: sms.messageClass } : {}), ...(header ? { header } : {}) };
}
