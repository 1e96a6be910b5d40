// A PDU read from the modem, decoded into what the gateway acts on: a received message (or one segment of
// one), a status report, or a message of our own stored on the SIM (not ours to take). Decoding is
// lenient: a receiver would rather show a slightly damaged text than leave it on the SIM forever.
import { decodePdu, transportOfUdh, type DecodedDeliver, type DecodedPdu, type SmsTransport } from 'nowsms';
import { hasSmscPrefix } from './stored.ts';

export interface InboundDeliver {
  kind: 'deliver';
  from: string;
  contentType: string;
  data: Buffer;
  concat?: { ref: number; total: number; seq: number };
  smsc?: string;
  /** The service centre's time stamp, as it wrote it (with its zone). */
  sentAt: string;
  encoding: string;
  /** Ports, other header elements, class, PID: what an 8-bit WAP push needs kept. */
  sms: SmsTransport;
  warnings?: string[];
}

export interface InboundReport {
  kind: 'report';
  reference: number;
  outcome: 'delivered' | 'undeliverable' | 'pending';
  status: number;
  recipient: string;
  detail: string;
  /** When the service centre took the message, and when it settled its fate (TP-SCTS, TP-DT). */
  sentAt: string;
  dischargedAt: string;
}

export type Inbound = InboundDeliver | InboundReport | { kind: 'own' };

// 23.040 9.2.3.15: the values an operator might want to read in the message's history.
const TP_ST: Record<number, string> = {
  0x00: 'received by the phone',
  0x01: 'forwarded, delivery not confirmed',
  0x02: 'replaced by the service centre',
  0x20: 'congestion; still trying',
  0x21: 'phone busy; still trying',
  0x22: 'no response from the phone; still trying',
  0x23: 'service rejected; still trying',
  0x24: 'quality of service not available; still trying',
  0x25: 'error in the phone; still trying',
  0x40: 'remote procedure error',
  0x41: 'incompatible destination',
  0x42: 'connection rejected by the phone',
  0x43: 'not obtainable',
  0x44: 'quality of service not available',
  0x45: 'no interworking available',
  0x46: 'validity period expired',
  0x47: 'deleted by the originating phone',
  0x48: 'deleted by the service centre',
  0x49: 'message does not exist',
  0x60: 'congestion; given up',
  0x61: 'phone busy; given up',
  0x62: 'no response from the phone; given up',
  0x63: 'service rejected; given up',
  0x64: 'quality of service not available; given up',
  0x65: 'error in the phone; given up',
};

export function describeStatus(st: number): string {
  return `TP-ST 0x${st.toString(16).padStart(2, '0')}: ${TP_ST[st] ?? 'unassigned value'}`;
}

/** <stat> 2 and 3 are messages written to storage for sending: they are SMS-SUBMITs, read the other way. */
function decodeEither(pdu: string, length: number | undefined, mo: boolean): DecodedPdu {
  const direction = mo ? 'mo' : 'mt';
  const first = hasSmscPrefix(pdu, length);
  try {
    return decodePdu(pdu, { hasSmsc: first, direction, lenient: true });
  } catch (e) {
    // Firmware that misreports <length> or drops the SMSC prefix: the other reading may be the right one.
    try {
      return decodePdu(pdu, { hasSmsc: !first, direction, lenient: true });
    } catch {
      throw e;
    }
  }
}

export function decodeInbound(pdu: string, length: number | undefined, stat?: number): Inbound {
  const decoded = decodeEither(pdu, length, stat === 2 || stat === 3);
  if (decoded.type === 'submit') return { kind: 'own' };
  if (decoded.type === 'status-report') {
    const outcome = decoded.statusClass === 'delivered' ? 'delivered' : decoded.statusClass === 'failed' ? 'undeliverable' : 'pending';
    return {
      kind: 'report',
      reference: decoded.messageReference,
      outcome,
      status: decoded.status,
      recipient: decoded.recipient.number,
      detail: describeStatus(decoded.status),
      sentAt: decoded.scTimestamp.iso,
      dischargedAt: decoded.dischargeTime.iso,
    };
  }
  const isText = decoded.text !== undefined;
  const concat = decoded.udh?.concat;
  return {
    kind: 'deliver',
    from: decoded.originator.number,
    contentType: isText ? 'text/plain; charset=utf-8' : 'application/octet-stream',
    data: isText ? Buffer.from(decoded.text!, 'utf8') : decoded.data,
    ...(concat && concat.total > 1 && concat.seq >= 1 && concat.seq <= concat.total
      ? { concat: { ref: concat.ref, total: concat.total, seq: concat.seq } }
      : {}),
    ...(decoded.smsc ? { smsc: decoded.smsc.number } : {}),
    sentAt: decoded.serviceCentreTimestamp.iso,
    encoding: decoded.dcs.encoding,
    sms: transportOf(decoded),
    ...(decoded.warnings?.length ? { warnings: decoded.warnings } : {}),
  };
}

/** The SMS transport facts of a received SMS-DELIVER (concatenation is the reassembler's business). */
function transportOf(d: DecodedDeliver): SmsTransport {
  return {
    ...(d.udh ? transportOfUdh(d.udh.raw) : {}),
    coding: d.dcs.encoding,
    ...(d.dcs.messageClass !== undefined ? { messageClass: d.dcs.messageClass } : {}),
    ...(d.protocolId ? { protocolId: d.protocolId } : {}),
  };
}
