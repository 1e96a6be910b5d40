// What the network sends the modem, built with the project's PDU encoder: SMS-DELIVERs for an
// injected message (several, concatenated, when the text is long) and the SMS-STATUS-REPORT for
// a message the gateway sent.
import { encodeDeliver, encodeStatusReport, type EncodedPdu } from '../../../../core/codecs/pdu/index.ts';
import type { SentMessage } from './journal.ts';

export interface DeliverOptions {
  /** The sender: "+4470..." (international), other digits, or a name (alphanumeric address). */
  from: string;
  text?: string;
  /** 8-bit data instead of text. */
  data?: Buffer;
  /** Force UCS2 even for text the GSM alphabet could carry. */
  ucs2?: boolean;
  /** How a long text is split: concatenation reference and its size; false refuses a text that needs splitting. */
  concat?: { ref?: number; refBits?: 8 | 16 } | false;
  /** The SC timestamp. Default now. */
  timestamp?: Date;
  /** The SC timestamp's zone, minutes east of UTC, a multiple of 15. Default 0. */
  tz?: number;
  messageClass?: 0 | 1 | 2 | 3;
  /** Application port addressing (WAP push and the like). */
  ports?: { source: number; destination: number; bits?: 8 | 16 };
  /** The SMSC address in the PDU. Default: the SIM's +CSCA. */
  smsc?: string;
  statusReportIndication?: boolean;
}

export function deliverPdus(opts: DeliverOptions, smsc: string, nextRef: () => number): EncodedPdu[] {
  const concat = opts.concat === false ? undefined : opts.concat;
  const refBits = concat?.refBits ?? 8;
  const pdus = encodeDeliver({
    from: opts.from,
    ...(opts.data === undefined ? { text: opts.text ?? '' } : { data: opts.data }),
    ...(opts.ucs2 ? { encoding: 'ucs2' as const } : {}),
    concatRef: concat?.ref ?? nextRef() % 2 ** refBits,
    concat16: refBits === 16,
    timestamp: { date: opts.timestamp ?? new Date(), tzMinutes: opts.tz ?? 0 },
    ...(opts.messageClass === undefined ? {} : { messageClass: opts.messageClass }),
    ...(opts.ports ? { ports: opts.ports } : {}),
    ...(opts.statusReportIndication ? { statusReportIndication: true } : {}),
    smsc: opts.smsc ?? smsc,
  });
  if (opts.concat === false && pdus.length > 1) throw new Error(`the message needs ${pdus.length} SMS and concat is false`);
  return pdus;
}

export interface StatusReportOptions {
  delivered: boolean;
  /** TP-ST to report instead: 0x00 delivered, 0x20-0x3F still trying, 0x40 and up failed. */
  status?: number;
  /** When the recipient got it (TP-DT). Default now. */
  dischargeTime?: Date;
  smsc?: string;
}

// 0x46 "SM validity period expired" (23.040 §9.2.3.15): the usual permanent failure in reports.
const FAILED = 0x46;

export function statusReportPdu(sent: SentMessage, opts: StatusReportOptions, smsc: string): EncodedPdu {
  return encodeStatusReport({
    recipient: sent.decoded.destination.number,
    recipientToa: sent.decoded.destination.toa,
    messageReference: sent.mr,
    status: opts.status ?? (opts.delivered ? 0x00 : FAILED),
    scTimestamp: sent.at,
    dischargeTime: opts.dischargeTime ?? new Date(),
    smsc: opts.smsc ?? smsc,
  });
}
