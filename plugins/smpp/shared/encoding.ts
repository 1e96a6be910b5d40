// The user data of submit_sm / deliver_sm: data_coding to text and back, the UDH (TS 23.040 §9.2.3.24),
// and how a long message is cut for each of the three SMPP forms (UDH concatenation, SAR TLVs,
// message_payload). GSM 7-bit travels unpacked over SMPP (one septet per octet, SMPP v3.4 §5.2.19):
// the SMSC packs it for the air interface.
import { decodeGsm7, decodeUcs2, encodeGsm7, encodeUcs2, gsm7Length, isGsm7, planSms } from 'nowsms';

export type Alphabet = 'gsm7' | 'ascii' | 'latin1' | 'ucs2' | 'binary';

export const DATA_CODING = { gsm7: 0x00, ascii: 0x01, latin1: 0x03, binary: 0x04, ucs2: 0x08 } as const;
export const ESM_UDHI = 0x40;

/**
 * The alphabet of a data_coding value: SMPP's own table for 0x00-0x0F (§5.2.19), TS 23.038's coding
 * groups above. Alphabets we cannot turn into text (JIS, Cyrillic, ...) come out as binary, untouched.
 */
export function alphabetOf(dataCoding: number): Alphabet {
  const dc = dataCoding & 0xff;
  if (dc <= 0x0f) {
    switch (dc) {
      case 0x00:
        return 'gsm7';
      case 0x01:
        return 'ascii';
      case 0x03:
        return 'latin1';
      case 0x08:
        return 'ucs2';
      default:
        return 'binary';
    }
  }
  if ((dc & 0xf0) === 0xf0) return dc & 0x04 ? 'binary' : 'gsm7';
  if ((dc & 0xc0) === 0x00) {
    // General data coding: bits 3-2 are the alphabet (00 GSM, 01 8-bit, 10 UCS-2; 11 reserved, read as GSM).
    const a = (dc >> 2) & 0x03;
    return a === 1 ? 'binary' : a === 2 ? 'ucs2' : 'gsm7';
  }
  if ((dc & 0xf0) === 0xe0) return 'ucs2';
  if ((dc & 0xf0) === 0xc0 || (dc & 0xf0) === 0xd0) return 'gsm7';
  return 'binary';
}

export function decodeText(bytes: Buffer, alphabet: Exclude<Alphabet, 'binary'>): string {
  switch (alphabet) {
    case 'gsm7':
      // Octets above 0x7F are not septets; masking keeps a sloppy SMSC's message readable.
      return decodeGsm7(Array.from(bytes, (b) => b & 0x7f));
    case 'ascii':
      return Buffer.from(bytes.map((b) => b & 0x7f)).toString('latin1');
    case 'latin1':
      return bytes.toString('latin1');
    case 'ucs2':
      return decodeUcs2(bytes);
  }
}

export function encodeText(text: string, alphabet: 'gsm7' | 'latin1' | 'ucs2'): Buffer {
  switch (alphabet) {
    case 'gsm7':
      return Buffer.from(encodeGsm7(text));
    case 'latin1':
      return Buffer.from(text, 'latin1');
    case 'ucs2':
      return encodeUcs2(text);
  }
}

export function isLatin1(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /^[\u0000-\u00ff]*$/.test(text);
}

// ---- UDH -------------------------------------------------------------------------------------------

export interface InformationElement {
  iei: number;
  data: Buffer;
}

/** Where a segment sits in its message; `bits` is the width of the reference (IEI 0x00 or 0x08, or SAR). */
export interface Concat {
  ref: number;
  total: number;
  seq: number;
  bits: 8 | 16;
}

/** Split user data that starts with a UDH; undefined when the header does not fit the data. */
export function splitUdh(userData: Buffer): { ies: InformationElement[]; body: Buffer; udh: Buffer } | undefined {
  if (userData.length === 0) return undefined;
  const udhl = userData[0]!;
  if (udhl + 1 > userData.length) return undefined;
  const ies: InformationElement[] = [];
  let i = 1;
  while (i + 2 <= udhl + 1) {
    const iei = userData[i]!;
    const len = userData[i + 1]!;
    if (i + 2 + len > udhl + 1) return undefined;
    ies.push({ iei, data: userData.subarray(i + 2, i + 2 + len) });
    i += 2 + len;
  }
  return { ies, body: userData.subarray(udhl + 1), udh: userData.subarray(0, udhl + 1) };
}

/** The concatenation IE of a UDH (8-bit 0x00 or 16-bit 0x08 reference), if it is a valid one. */
export function concatFromIes(ies: InformationElement[]): Concat | undefined {
  for (const { iei, data } of ies) {
    let c: Concat | undefined;
    if (iei === 0x00 && data.length === 3) c = { ref: data[0]!, total: data[1]!, seq: data[2]!, bits: 8 };
    if (iei === 0x08 && data.length === 4) c = { ref: data.readUInt16BE(0), total: data[2]!, seq: data[3]!, bits: 16 };
    // 23.040: a total or sequence of 0, or a sequence past the total, means "ignore the IE".
    if (c && c.total > 0 && c.seq > 0 && c.seq <= c.total) return c;
  }
  return undefined;
}

export function concatUdh(c: Concat): Buffer {
  return c.bits === 16
    ? Buffer.from([0x06, 0x08, 0x04, (c.ref >> 8) & 0xff, c.ref & 0xff, c.total, c.seq])
    : Buffer.from([0x05, 0x00, 0x03, c.ref & 0xff, c.total, c.seq]);
}

// ---- outbound ---------------------------------------------------------------------------------------

export type LongMessages = 'udh' | 'udh16' | 'sar' | 'payload';
export type TextCoding = 'gsm7' | 'latin1' | 'ucs2';

export type Content =
  /**
   * `header` (either kind) holds user data header elements (ports, others; no UDHL, no concatenation) that
   * every segment carries, followed by its concatenation element when it has one.
   */
  | { kind: 'text'; text: string; messageClass?: 0 | 1 | 2 | 3; header?: Buffer }
  /** Binary user data: the octets after the header. */
  | { kind: 'binary'; data: Buffer; dataCoding: number; header?: Buffer };

/** One submit_sm's worth. */
export interface OutSegment {
  dataCoding: number;
  esmClass: number;
  /** short_message, UDH included; empty when `payload` carries the message. */
  shortMessage: Buffer;
  payload?: Buffer;
  sar?: { ref: number; total: number; seq: number };
}

const OCTETS = 140;
const MAX_SHORT_MESSAGE = 254;

/** The alphabet a text goes out in: the configured one when the text fits it, else UCS-2. */
export function textAlphabet(text: string, coding: TextCoding): 'gsm7' | 'latin1' | 'ucs2' {
  if (coding === 'gsm7' && isGsm7(text)) return 'gsm7';
  if (coding === 'latin1' && isLatin1(text)) return 'latin1';
  return 'ucs2';
}

/** A text's data_coding: SMPP's table, or 23.038's general group when a message class is asked for (Latin-1 has none). */
function textDataCoding(alphabet: 'gsm7' | 'latin1' | 'ucs2', messageClass: number | undefined): number {
  if (messageClass === undefined || alphabet === 'latin1') return DATA_CODING[alphabet];
  return 0x10 | (alphabet === 'ucs2' ? 0x08 : 0x00) | messageClass;
}

function udhBytesFor(mode: LongMessages): number {
  return mode === 'udh16' ? 7 : 6;
}

/** Cut a text the way the handset will show it: planSms for GSM and UCS-2, octets for Latin-1. */
function textPieces(text: string, alphabet: 'gsm7' | 'latin1' | 'ucs2', udhBytes: number): string[] {
  if (alphabet !== 'latin1') return planSms(text, { encoding: alphabet, udhBytes }).segments;
  if (text.length <= OCTETS) return [text];
  const size = OCTETS - udhBytes;
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** Split a text into pieces of at most `capacity` units (septets, UTF-16 units, Latin-1 octets), never inside an escape or surrogate pair. */
function splitText(text: string, alphabet: 'gsm7' | 'latin1' | 'ucs2', capacity: number): string[] {
  const cost = (ch: string) => (alphabet === 'gsm7' ? gsm7Length(ch) : ch.length);
  const out: string[] = [];
  let current = '';
  let units = 0;
  for (const ch of text) {
    if (units + cost(ch) > capacity && current) {
      out.push(current);
      current = '';
      units = 0;
    }
    current += ch;
    units += cost(ch);
  }
  out.push(current);
  return out;
}

/** Text units the user data holds after a header of `octets` octets (UDHL included). */
function textCapacity(alphabet: 'gsm7' | 'latin1' | 'ucs2', octets: number): number {
  const free = OCTETS - octets;
  return alphabet === 'gsm7' ? Math.floor((free * 8) / 7) : alphabet === 'ucs2' ? Math.floor(free / 2) : free;
}

function chunks(data: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) out.push(data.subarray(i, i + size));
  return out;
}

function withHeader(elements: Buffer[], body: Buffer): Buffer {
  const header = Buffer.concat(elements);
  return Buffer.concat([Buffer.from([header.length]), header, body]);
}

/**
 * The submit_sm PDUs' user data for a message. `ref` is the concatenation reference to use when the
 * message needs more than one segment (8 or 16 bits are taken from it as the mode needs).
 */
export function planSegments(content: Content, opts: { longMessages: LongMessages; coding: TextCoding; ref: number }): OutSegment[] {
  const mode = opts.longMessages;
  let dataCoding: number;
  let pieces: Buffer[];
  const header = content.header?.length ? content.header : undefined;
  const concatOctets = mode === 'udh' || mode === 'udh16' ? udhBytesFor(mode) - 1 : 0;
  if (content.kind === 'text') {
    const alphabet = textAlphabet(content.text, opts.coding);
    dataCoding = textDataCoding(alphabet, content.messageClass);
    let texts: string[];
    if (!header) texts = textPieces(content.text, alphabet, udhBytesFor(mode));
    else {
      // A text to an application port: the header takes room in every segment.
      const own = 1 + header.length;
      const whole = splitText(content.text, alphabet, textCapacity(alphabet, own));
      texts = whole.length === 1 ? whole : splitText(content.text, alphabet, textCapacity(alphabet, own + concatOctets));
    }
    pieces = texts.map((p) => encodeText(p, alphabet));
  } else {
    dataCoding = content.dataCoding;
    const own = header ? 1 + header.length : 0;
    // A segment's header: UDHL, the elements, the concatenation element in the UDH modes.
    const per = OCTETS - (header || concatOctets ? 1 + (header?.length ?? 0) + concatOctets : 0);
    pieces = content.data.length + own <= OCTETS ? [content.data] : chunks(content.data, per);
  }
  const esmClass = header ? ESM_UDHI : 0;
  const framed = (p: Buffer) => (header ? withHeader([header], p) : p);
  if (pieces.length === 1 || mode === 'payload') {
    const data = framed(pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces));
    if (data.length <= MAX_SHORT_MESSAGE && pieces.length === 1) return [{ dataCoding, esmClass, shortMessage: data }];
    return [{ dataCoding, esmClass, shortMessage: Buffer.alloc(0), payload: data }];
  }
  if (pieces.length > 255) throw new RangeError(`a message of ${pieces.length} segments cannot be concatenated (at most 255)`);
  const total = pieces.length;
  switch (mode) {
    case 'sar':
      return pieces.map((p, i) => ({ dataCoding, esmClass, shortMessage: framed(p), sar: { ref: opts.ref & 0xffff, total, seq: i + 1 } }));
    case 'udh':
    case 'udh16': {
      const bits = mode === 'udh16' ? 16 : 8;
      const ref = bits === 16 ? opts.ref & 0xffff : opts.ref & 0xff;
      return pieces.map((p, i) => {
        const concat = concatUdh({ ref, total, seq: i + 1, bits }).subarray(1);
        // Ports before concatenation, as Kannel and libgammu lay a port-addressed long message out.
        return { dataCoding, esmClass: ESM_UDHI, shortMessage: withHeader(header ? [header, concat] : [concat], p) };
      });
    }
  }
}

// ---- inbound ----------------------------------------------------------------------------------------

export interface InboundUserData {
  /** The text, when the alphabet is one we read; else undefined and `binary` holds the octets. */
  text?: string;
  binary?: Buffer;
  /** The UDH octets, for binary messages (ports, WAP push) that need them. */
  udh?: Buffer;
  concat?: Concat;
  alphabet: Alphabet;
}

/**
 * Read the user data of a deliver_sm / data_sm / submit_sm: short_message or, when that is empty,
 * message_payload; a UDH when esm_class says so; SAR TLVs when present.
 */
export function readUserData(input: {
  esmClass: number;
  dataCoding: number;
  shortMessage?: Buffer;
  payload?: Buffer;
  sar?: { ref?: number; total?: number; seq?: number };
}): InboundUserData {
  const alphabet = alphabetOf(input.dataCoding);
  let data = input.shortMessage && input.shortMessage.length > 0 ? input.shortMessage : (input.payload ?? Buffer.alloc(0));
  let concat: Concat | undefined;
  let udh: Buffer | undefined;
  if (input.esmClass & ESM_UDHI) {
    const split = splitUdh(data);
    if (split) {
      data = split.body;
      udh = split.udh;
      concat = concatFromIes(split.ies);
    }
  }
  const { ref, total, seq } = input.sar ?? {};
  if (!concat && ref !== undefined && total !== undefined && seq !== undefined && total > 1 && seq >= 1 && seq <= total) {
    concat = { ref, total, seq, bits: 16 };
  }
  const out: InboundUserData = { alphabet, ...(concat ? { concat } : {}) };
  if (alphabet === 'binary') return { ...out, binary: Buffer.from(data), ...(udh ? { udh: Buffer.from(udh) } : {}) };
  return { ...out, text: decodeText(data, alphabet) };
}
