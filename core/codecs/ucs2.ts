// SMS "UCS2" data coding (23.038 §5, DCS 0x08) as phones actually use it: UTF-16BE,
// so characters beyond the BMP travel as surrogate pairs rather than being refused.

export function encodeUcs2(text: string): Buffer {
  // Node's utf16le writes code units as-is (lone surrogates included), so swapping
  // byte order gives UTF-16BE without a per-character loop.
  return Buffer.from(text, 'utf16le').swap16();
}

/** A trailing odd byte is half a code unit, typically from a truncated PDU, and is ignored. */
export function decodeUcs2(data: Uint8Array): string {
  const even = data.length & ~1;
  // Copy first: swap16 works in place and the caller's buffer must stay untouched.
  return Buffer.from(data.subarray(0, even)).swap16().toString('utf16le');
}

export function ucs2Length(text: string): number {
  return text.length;
}
