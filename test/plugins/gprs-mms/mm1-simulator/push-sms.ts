// An MMS notification as the MMSC's push proxy gateway sends it over SMS: a connectionless WSP Push
// (WAP-230-WSP §8.2.4.1: TID, 0x06, HeadersLen, content type 0x3E application/vnd.wap.mms-message,
// X-Wap-Application-Id 0x84 x-wap-application:mms.ua), split into SMS user data with a 16-bit port
// header 9200 -> 2948 (WAP-259-WDP) and concatenation when it takes more than one SMS (140 octets of UD).
import { encodeDeliver, type EncodedPdu } from '../../../../core/index.ts';
import { planContent } from '../../../../core/codecs/pdu/segments.ts';

export const WAP_PUSH_SOURCE_PORT = 9200;
export const WAP_PUSH_DESTINATION_PORT = 2948;

export interface PushSmsOptions {
  /** WSP transaction id (default 1). */
  tid?: number;
  /** Concatenation reference (default: the next of a counter shared by this process). */
  concatRef?: number;
  /** A 16-bit reference (IEI 0x08) instead of the usual 8-bit one (IEI 0x00). */
  concat16?: boolean;
  /** The originating address written into the SMS-DELIVER PDUs (default the MMSC's short number). */
  from?: string;
}

export interface PushSms {
  /** The WSP Push PDU: what reassembly of the segments gives. */
  push: Buffer;
  /** The body of the push: the m-notification-ind (or m-delivery-ind). */
  notification: Buffer;
  /** Each SMS's user data: UDH (UDHL first) then the piece of the push, as a modem's TP-UD carries it. */
  segments: Buffer[];
  /** The same segments as SMS-DELIVER PDUs (hex with an SMSC prefix): `modemSim.deliverPdu(pdus[i].pdu)`. */
  pdus: EncodedPdu[];
}

let lastRef = 0;

/** The WSP Push PDU that carries an MMS PDU. */
export function wspMmsPush(body: Buffer, tid = 1): Buffer {
  // Content type 0x3E and X-Wap-Application-Id (0x2F) 4 as Short-integers: 0xBE, 0xAF 0x84.
  const headers = Buffer.from([0xbe, 0xaf, 0x84]);
  return Buffer.concat([Buffer.from([tid & 0xff, 0x06, headers.length]), headers, body]);
}

export function pushSms(notification: Buffer, opts: PushSmsOptions = {}): PushSms {
  const push = wspMmsPush(notification, opts.tid);
  const concat16 = opts.concat16 ?? false;
  const concatRef = opts.concatRef ?? (lastRef = (lastRef + 1) % (concat16 ? 0x10000 : 0x100));
  const content = { data: push, ports: { source: WAP_PUSH_SOURCE_PORT, destination: WAP_PUSH_DESTINATION_PORT }, concat16, concatRef };
  const segments = planContent(content).segments.map((s) => Buffer.concat([s.udh ?? Buffer.alloc(0), s.content as Buffer]));
  const pdus = encodeDeliver({ ...content, from: opts.from ?? '6245' });
  return { push, notification, segments, pdus };
}
