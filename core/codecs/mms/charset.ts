// Text in an MMS PDU: Encoded-string-values carry an IANA MIBenum; plain Text-strings are nominally
// US-ASCII but phones put UTF-8 there, so those are read as UTF-8 when valid and as Latin-1 otherwise.
import { TextDecoder } from 'node:util';
import { CHARSETS } from './tables.ts';

const decoders = new Map<string, TextDecoder>();

function decoder(label: string): TextDecoder | undefined {
  let d = decoders.get(label);
  if (!d) {
    try {
      d = new TextDecoder(label);
    } catch {
      return undefined;
    }
    decoders.set(label, d);
  }
  return d;
}

/** The charset's name for a MIBenum (`mib-NNN` when IANA's number is not one we know). */
export function charsetName(mib: number): string {
  if (mib === 0) return '*';
  return CHARSETS.get(mib) ?? `mib-${mib}`;
}

/**
 * Decode text in the charset a PDU names. UTF-16 honours its BOM (big-endian without one, as RFC 2781 says;
 * TextDecoder's 'utf-16' would assume little-endian); a UTF-8 BOM is dropped; a charset this Node cannot
 * decode falls back to windows-1252, which maps every octet.
 */
export function decodeText(bytes: Uint8Array, charset: string): string {
  let label = charset.toLowerCase();
  let data = bytes;
  if (label === 'utf-16' || label === 'iso-10646-ucs-2') {
    if (data[0] === 0xff && data[1] === 0xfe) {
      label = 'utf-16le';
      data = data.subarray(2);
    } else {
      if (data[0] === 0xfe && data[1] === 0xff) data = data.subarray(2);
      label = 'utf-16be';
    }
  }
  const d = decoder(label);
  // us-ascii, iso-8859-1, latin1 ... are windows-1252 by the WHATWG labels, which Node 20 decodes as Latin-1.
  if (!d || d.encoding === 'windows-1252') return windows1252(data);
  return d.decode(data);
}

// 0x80-0x9F of windows-1252 (undefined ones stay as their C1 code points). Node 20's TextDecoder reads
// 'windows-1252' as Latin-1, so the table is ours.
const CP1252 =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

function windows1252(data: Uint8Array): string {
  let out = '';
  for (const b of data) out += b >= 0x80 && b <= 0x9f ? CP1252[b - 0x80] : String.fromCharCode(b);
  return out;
}

const utf8Fatal = new TextDecoder('utf-8', { fatal: true });

/** A Text-string's octets: UTF-8 when they are valid UTF-8, else Latin-1. */
export function decodeTextString(bytes: Uint8Array): string {
  try {
    return utf8Fatal.decode(bytes);
  } catch {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  }
}
