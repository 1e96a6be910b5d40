// What the simulator makes of submit_sm user data, and the deliver_sm it sends: decoded with the `smpp`
// package's own text filters (GSM 03.38 default alphabet, Latin-1, UCS-2), not with the gateway's codecs.
import smpp, { type DecodedMessage, type PDU, type PDUFields } from 'smpp';

export interface Concat {
  ref: number;
  total: number;
  seq: number;
}

export interface SubmitView {
  text: string;
  binary?: Buffer;
  concat?: Concat;
  form: 'single' | 'udh' | 'udh16' | 'sar' | 'payload';
}

function asText(m: DecodedMessage | string | Buffer | undefined): { text: string; binary?: Buffer; udh?: Buffer[] } {
  if (m === undefined) return { text: '' };
  if (typeof m === 'string') return { text: m };
  if (Buffer.isBuffer(m)) return { text: '', binary: m };
  const udh = m.udh ?? [];
  if (Buffer.isBuffer(m.message)) return { text: '', binary: m.message, udh };
  return { text: m.message, udh };
}

/** Read a submit_sm as the package decodes it. */
export function viewSubmit(pdu: PDU): SubmitView {
  const sm = asText(pdu.short_message as DecodedMessage | undefined);
  const payload = pdu.message_payload !== undefined ? asText(pdu.message_payload as DecodedMessage) : undefined;
  const body = sm.text === '' && !sm.binary?.length && payload ? payload : sm;
  for (const ie of body.udh ?? []) {
    if (ie[0] === 0x00 && ie[1] === 3) return { ...body, concat: { ref: ie[2]!, total: ie[3]!, seq: ie[4]! }, form: 'udh' };
    if (ie[0] === 0x08 && ie[1] === 4) return { ...body, concat: { ref: ie.readUInt16BE(2), total: ie[4]!, seq: ie[5]! }, form: 'udh16' };
  }
  if (pdu.sar_total_segments !== undefined) {
    return { ...body, concat: { ref: pdu.sar_msg_ref_num ?? 0, total: pdu.sar_total_segments, seq: pdu.sar_segment_seqnum ?? 0 }, form: 'sar' };
  }
  return { ...body, form: payload && body === payload ? 'payload' : 'single' };
}

const pad2 = (n: number) => String(n).padStart(2, '0');
function receiptDate(d: Date): string {
  return `${pad2(d.getUTCFullYear() % 100)}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}${pad2(d.getUTCHours())}${pad2(d.getUTCMinutes())}`;
}

/** SMPP v3.4 Appendix B. */
export function receiptText(id: string, stat: string, submitted: Date, text = ''): string {
  const err = stat === 'DELIVRD' ? '000' : '001';
  return `id:${id} sub:001 dlvrd:${stat === 'DELIVRD' ? '001' : '000'} submit date:${receiptDate(submitted)} done date:${receiptDate(new Date())} stat:${stat} err:${err} text:${text.slice(0, 20)}`;
}

const STATES: Record<string, number> = { ENROUTE: 1, DELIVRD: 2, EXPIRED: 3, DELETED: 4, UNDELIV: 5, ACCEPTD: 6, UNKNOWN: 7, REJECTD: 8 };

export interface ReceiptOptions {
  /** Where the id travels: the receipted_message_id TLV, the text, or both (the default). */
  via?: 'tlv' | 'text' | 'both';
  /** esm_class 0x20 (intermediate notification) instead of 0x04. */
  intermediate?: boolean;
}

export function receiptFields(args: { id: string; stat: string; from: string; to: string; submitted: Date }, opts: ReceiptOptions = {}): PDUFields {
  const via = opts.via ?? 'both';
  const text = receiptText(via === 'tlv' ? '' : args.id, args.stat, args.submitted);
  return {
    source_addr_ton: 1,
    source_addr_npi: 1,
    source_addr: args.to,
    dest_addr_ton: 0,
    dest_addr_npi: 0,
    destination_addr: args.from,
    esm_class: opts.intermediate ? 0x20 : 0x04,
    data_coding: 0,
    short_message: Buffer.from(text, 'ascii'),
    ...(via !== 'text' ? { receipted_message_id: args.id, message_state: STATES[args.stat] ?? 7 } : {}),
  };
}

export type LongForm = 'udh' | 'udh16' | 'sar' | 'payload';

export interface MoOptions {
  from: string;
  to: string;
  text: string;
  /** Default: GSM when the package's GSM table covers the text, else UCS-2. */
  coding?: 'gsm7' | 'ucs2' | 'latin1';
  /** How a text longer than one SMS is sent; default 'udh'. */
  long?: LongForm;
  /** Characters per segment (default: 153 GSM / 67 UCS-2 / 134 Latin-1). */
  perSegment?: number;
  ref?: number;
  /** Send only these segments (1-based), to leave a message incomplete. */
  only?: number[];
  /** Send the segments in this order (1-based). */
  order?: number[];
}

function encode(text: string, coding: 'gsm7' | 'ucs2' | 'latin1'): Buffer {
  if (coding === 'gsm7') return smpp.encodings.ASCII.encode(text);
  if (coding === 'latin1') return smpp.encodings.LATIN1.encode(text);
  return smpp.encodings.UCS2.encode(text);
}

const DC = { gsm7: 0x00, latin1: 0x03, ucs2: 0x08 } as const;

/** The deliver_sm PDUs (fields) for one MO text, cut as a phone's SMSC would. */
export function moFields(o: MoOptions): PDUFields[] {
  const coding = o.coding ?? (smpp.encodings.ASCII.match(o.text) ? 'gsm7' : 'ucs2');
  const base: PDUFields = {
    source_addr_ton: o.from.startsWith('+') ? 1 : 0,
    source_addr_npi: 1,
    source_addr: o.from.replace(/^\+/, ''),
    dest_addr_ton: o.to.startsWith('+') ? 1 : 0,
    dest_addr_npi: 1,
    destination_addr: o.to.replace(/^\+/, ''),
    esm_class: 0,
    data_coding: DC[coding],
  };
  const single = coding === 'gsm7' ? 160 : coding === 'ucs2' ? 70 : 140;
  const chars = [...o.text];
  if (chars.length <= single && !o.perSegment) return [{ ...base, short_message: encode(o.text, coding) }];
  const form = o.long ?? 'udh';
  if (form === 'payload') return [{ ...base, short_message: Buffer.alloc(0), message_payload: encode(o.text, coding) }];
  const per = o.perSegment ?? (coding === 'gsm7' ? 153 : coding === 'ucs2' ? 67 : 134);
  // Cut by code points, so a surrogate pair never straddles two segments.
  const pieces: string[] = [];
  for (let i = 0; i < chars.length; i += per) pieces.push(chars.slice(i, i + per).join(''));
  const total = pieces.length;
  const ref = o.ref ?? 0x42;
  const out = pieces.map((piece, i): PDUFields => {
    const seq = i + 1;
    const body = encode(piece, coding);
    if (form === 'sar') return { ...base, short_message: body, sar_msg_ref_num: ref, sar_total_segments: total, sar_segment_seqnum: seq };
    const udh = form === 'udh16' ? Buffer.from([6, 8, 4, (ref >> 8) & 0xff, ref & 0xff, total, seq]) : Buffer.from([5, 0, 3, ref & 0xff, total, seq]);
    return { ...base, esm_class: 0x40, short_message: Buffer.concat([udh, body]) };
  });
  const order = o.order ?? out.map((_, i) => i + 1);
  return order.filter((n) => !o.only || o.only.includes(n)).map((n) => out[n - 1]!);
}
