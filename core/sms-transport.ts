// SMS transport facts, protocol-neutral: what the SMPP client, the SMPP server and the modem read and
// write about an SMS beyond its text (TS 23.040 user data header, TS 23.038 data coding, TP-PID, the
// receipt request). They live in `message.meta.sms` (JSON, so the store keeps them without a migration);
// `smsOf` is the one reader, and the one place where messages stored before it (`meta.smpp`) are read.
import { decodeDcs } from './codecs/pdu/dcs.ts';
import { Leniency } from './codecs/pdu/leniency.ts';
import { IEI_CONCAT_16, IEI_CONCAT_8, IEI_PORTS_16, IEI_PORTS_8, parseUdh } from './codecs/pdu/udh.ts';
import type { Message, Part } from './types.ts';

/** The content type of a binary SMS's one part: the octets after the user data header. */
export const SMS_BINARY_CONTENT_TYPE = 'application/octet-stream';

/** Application port addressing (23.040 §9.2.3.24.3-4). WAP push goes to 2948, from 9200. */
export interface SmsPorts {
  source: number;
  destination: number;
  /** 16 (IEI 0x05, the default) or 8 (IEI 0x04). */
  bits?: 8 | 16;
}

/** A delivery receipt asked for: none, on the final outcome, or only when delivery fails. */
export type SmsReceiptRequest = 'none' | 'final' | 'failure';

/** The alphabet on the air: a binary SMS is `8bit` and its one part is SMS_BINARY_CONTENT_TYPE. */
export type SmsCoding = 'gsm7' | '8bit' | 'ucs2';

export interface SmsTransport {
  ports?: SmsPorts;
  /**
   * Other user data header elements (not concatenation, not ports), hex of IEI-length-data triplets without
   * the UDHL octet. They go out in every segment.
   */
  udh?: string;
  coding?: SmsCoding;
  /** 23.038 message class: 0 flash, 1 phone, 2 SIM, 3 terminal equipment. */
  messageClass?: 0 | 1 | 2 | 3;
  /** TP-PID / SMPP protocol_id. */
  protocolId?: number;
  receipt?: SmsReceiptRequest;
  /** How long the service centre may keep trying. */
  validityMinutes?: number;
}

const int = (v: unknown, max: number): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max ? v : undefined);

function portsOf(v: unknown): SmsPorts | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const p = v as Record<string, unknown>;
  const bits = p.bits === 8 ? 8 : 16;
  const max = bits === 8 ? 0xff : 0xffff;
  const source = int(p.source, max);
  const destination = int(p.destination, max);
  if (source === undefined || destination === undefined) return undefined;
  return { source, destination, ...(bits === 8 ? { bits } : {}) };
}

/** Checked copy: anything malformed (a hand-edited row, a plug-in's mistake) is left out rather than trusted. */
function checked(v: Record<string, unknown>): SmsTransport {
  const out: SmsTransport = {};
  const ports = portsOf(v.ports);
  if (ports) out.ports = ports;
  if (typeof v.udh === 'string' && /^([0-9a-f]{2})+$/i.test(v.udh)) out.udh = v.udh.toLowerCase();
  if (v.coding === 'gsm7' || v.coding === '8bit' || v.coding === 'ucs2') out.coding = v.coding;
  const cls = int(v.messageClass, 3);
  if (cls !== undefined) out.messageClass = cls as 0 | 1 | 2 | 3;
  const pid = int(v.protocolId, 0xff);
  if (pid !== undefined) out.protocolId = pid;
  if (v.receipt === 'none' || v.receipt === 'final' || v.receipt === 'failure') out.receipt = v.receipt;
  const validity = int(v.validityMinutes, Number.MAX_SAFE_INTEGER);
  if (validity !== undefined && validity > 0) out.validityMinutes = validity;
  return out;
}

/** SMPP registered_delivery bits 0-1 (SMPP 3.4 §5.2.17). */
export function receiptFromRegisteredDelivery(rd: number): SmsReceiptRequest {
  const bits = rd & 0x03;
  return bits === 1 ? 'final' : bits === 2 ? 'failure' : 'none';
}

/** The header elements of a UDH (UDHL octet included) split into ports and the rest; concatenation is dropped. */
export function transportOfUdh(udh: Buffer): Pick<SmsTransport, 'ports' | 'udh'> {
  const header = parseUdh(udh, 0, new Leniency(true));
  const rest = header.elements.filter((e) => ![IEI_CONCAT_8, IEI_CONCAT_16, IEI_PORTS_8, IEI_PORTS_16].includes(e.iei));
  return {
    ...(header.ports ? { ports: { source: header.ports.source, destination: header.ports.destination, ...(header.ports.bits === 8 ? { bits: 8 } : {}) } } : {}),
    ...(rest.length ? { udh: Buffer.concat(rest.map((e) => Buffer.concat([Buffer.from([e.iei, e.data.length]), e.data]))).toString('hex') } : {}),
  };
}

/** What messages stored before `meta.sms` said, in `meta.smpp` (and `meta.receipt`). */
function legacy(meta: Record<string, unknown>, parts: Part[] | undefined): SmsTransport {
  const out: SmsTransport = {};
  const smpp = typeof meta.smpp === 'object' && meta.smpp !== null ? (meta.smpp as Record<string, unknown>) : {};
  const rd = int(smpp.registeredDelivery, 0xff);
  if (rd !== undefined) out.receipt = receiptFromRegisteredDelivery(rd);
  else if (typeof meta.receipt === 'boolean') out.receipt = meta.receipt ? 'final' : 'none';
  const dc = int(smpp.dataCoding, 0xff);
  const binary = parts?.some((p) => p.contentType.toLowerCase().startsWith(SMS_BINARY_CONTENT_TYPE));
  if (dc !== undefined && binary) {
    out.coding = '8bit';
    if (dc >= 0x10) {
      const dcs = decodeDcs(dc);
      if (dcs.messageClass !== undefined) out.messageClass = dcs.messageClass;
    }
  }
  if (typeof smpp.udh === 'string' && /^([0-9a-f]{2})+$/i.test(smpp.udh)) Object.assign(out, transportOfUdh(Buffer.from(smpp.udh, 'hex')));
  return out;
}

/** The SMS transport facts of a message (or a segment): `meta.sms`, else what older messages kept in `meta.smpp`. */
export function smsOf(message: { meta: Record<string, unknown>; parts?: Part[] }): SmsTransport {
  const sms = message.meta.sms;
  if (typeof sms === 'object' && sms !== null) return checked(sms as Record<string, unknown>);
  return legacy(message.meta, message.parts);
}

/**
 * A binary SMS's octets (without any header) and transport facts; undefined for a text SMS or an MMS.
 * Messages stored before `meta.sms` by the SMPP server kept their UDH at the front of the part (esm_class
 * UDHI in `meta.smpp`): it is split off here.
 */
export function binarySmsOf(message: Pick<Message, 'kind' | 'parts' | 'meta'>): { data: Buffer; sms: SmsTransport } | undefined {
  if (message.kind !== 'sms') return undefined;
  const part = message.parts.find((p) => p.contentType.toLowerCase().startsWith(SMS_BINARY_CONTENT_TYPE));
  if (!part || message.parts.some((p) => /^text\/plain\b/i.test(p.contentType))) return undefined;
  const sms = { ...smsOf(message), coding: '8bit' as const };
  const smpp = message.meta.sms === undefined ? (message.meta.smpp as Record<string, unknown> | undefined) : undefined;
  const esm = int(smpp?.esmClass, 0xff) ?? 0;
  if (esm & 0x40 && part.data.length > 0 && part.data[0]! + 1 <= part.data.length) {
    const udhl = part.data[0]!;
    return { data: part.data.subarray(udhl + 1), sms: { ...sms, ...transportOfUdh(part.data.subarray(0, udhl + 1)) } };
  }
  return { data: part.data, sms };
}

/** What a message needs of a connection: an MMS, a binary SMS (8-bit, ports, or a header of its own), or a text SMS. */
export type SmsNeed = 'mms' | 'binary' | 'sms';

export function needOf(message: Partial<Pick<Message, 'kind' | 'parts' | 'meta'>>): SmsNeed {
  if (message.kind === 'mms') return 'mms';
  const parts = message.parts ?? [];
  if (parts.some((p) => p.contentType.toLowerCase().startsWith(SMS_BINARY_CONTENT_TYPE))) return 'binary';
  const sms = smsOf({ meta: message.meta ?? {}, parts });
  return sms.coding === '8bit' || sms.ports || sms.udh ? 'binary' : 'sms';
}
