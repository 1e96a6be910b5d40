// Semi-octet (swapped nibble) representation of 23.040 §9.1.2.3: the first digit sits in the
// low nibble, and 0xF fills the high nibble after an odd count of digits.

// Nibbles 0xA-0xE carry the non-decimal dialling characters; 0xF is the filler.
const NIBBLE_CHARS = '0123456789*#abc';
const FILLER = 0xf;

/** `count` digits when the length is known (TP addresses); otherwise every nibble up to the filler. */
export function decodeSemiOctets(bytes: Uint8Array, count = bytes.length * 2): string {
  let out = '';
  for (let i = 0; i < count; i++) {
    const byte = bytes[i >> 1] ?? FILLER;
    const nibble = i & 1 ? byte >> 4 : byte & 0x0f;
    // A filler inside the counted digits is a sender's padding slip; it stands for no digit.
    if (nibble !== FILLER) out += NIBBLE_CHARS[nibble];
  }
  return out;
}

export function isSemiOctetDigits(digits: string): boolean {
  for (const ch of digits) if (!NIBBLE_CHARS.includes(ch)) return false;
  return true;
}

/** Callers check isSemiOctetDigits first so that they can name the bad option in their error. */
export function encodeSemiOctets(digits: string): Buffer {
  const out = Buffer.alloc(Math.ceil(digits.length / 2), 0xff);
  for (let i = 0; i < digits.length; i++) {
    const nibble = NIBBLE_CHARS.indexOf(digits[i] ?? '');
    if (nibble < 0) throw new RangeError(`${JSON.stringify(digits[i])} has no semi-octet code`);
    const at = i >> 1;
    out[at] = i & 1 ? ((out[at] ?? 0) & 0x0f) | (nibble << 4) : 0xf0 | nibble;
  }
  return out;
}

/** Timestamps use the same swapped nibbles but decimal digits only; returns NaN for a non-decimal nibble. */
export function swappedBcd(byte: number): number {
  const tens = byte & 0x0f;
  const units = byte >> 4;
  return tens > 9 || units > 9 ? Number.NaN : tens * 10 + units;
}

export function toSwappedBcd(value: number): number {
  return ((value % 10) << 4) | Math.floor(value / 10);
}
