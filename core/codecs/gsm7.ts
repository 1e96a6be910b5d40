// GSM 7-bit default alphabet, its extension table, and the septet packing used in
// SMS user data (3GPP TS 23.038 §6.2.1, §6.2.1.1 and §6.1.2.1.1).

const ESC = 0x1b;

// Indexed by septet value. Position 0x1B is the escape to the extension table, not a
// character, so it holds a placeholder that is never entered into the reverse map.
// Every 16 codes (one column of the spec's table) start a new line, so a code can be checked at a glance.
// prettier-ignore
const DEFAULT_ALPHABET: readonly string[] = [
  '@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å',
  '\u0394', '_', '\u03A6', '\u0393', '\u039B', '\u03A9', '\u03A0', '\u03A8',
  '\u03A3', '\u0398', '\u039E', '', 'Æ', 'æ', 'ß', 'É',
  ' ', '!', '"', '#', '¤', '%', '&', "'", '(', ')', '*', '+', ',', '-', '.', '/',
  '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?',
  '¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O',
  'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§',
  '¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
  'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à',
];

// Only the codes with a symbol assigned. 0x1B1B (escape to a further table) and the
// unassigned codes are handled by decodeGsm7's fallback instead.
const EXTENSION_TABLE: ReadonlyMap<number, string> = new Map([
  [0x0a, '\f'], // page break
  [0x14, '^'],
  [0x28, '{'],
  [0x29, '}'],
  [0x2f, '\\'],
  [0x3c, '['],
  [0x3d, '~'],
  [0x3e, ']'],
  [0x40, '|'],
  [0x65, '€'],
]);

const DEFAULT_CODE = new Map<string, number>();
DEFAULT_ALPHABET.forEach((ch, code) => {
  if (code !== ESC) DEFAULT_CODE.set(ch, code);
});

const EXTENSION_CODE = new Map<string, number>();
for (const [code, ch] of EXTENSION_TABLE) EXTENSION_CODE.set(ch, code);

// JSON quoting keeps control characters readable in logs; the code point removes
// doubt between look-alikes such as Greek Ω and the ohm sign.
function describeChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  return `${JSON.stringify(ch)} (U+${cp.toString(16).toUpperCase().padStart(4, '0')})`;
}

export function isGsm7(text: string): boolean {
  for (const ch of text) {
    if (!DEFAULT_CODE.has(ch) && !EXTENSION_CODE.has(ch)) return false;
  }
  return true;
}

/** Throws like encodeGsm7 when the text has a character outside both tables. */
export function gsm7Length(text: string): number {
  let septets = 0;
  for (const ch of text) {
    if (DEFAULT_CODE.has(ch)) septets += 1;
    else if (EXTENSION_CODE.has(ch)) septets += 2;
    else throw notGsm7(ch, text);
  }
  return septets;
}

// Callers iterate by code point, so an emoji is named whole rather than as half of a
// surrogate pair, and the first occurrence is the one that stopped the iteration.
function notGsm7(ch: string, text: string): RangeError {
  return new RangeError(`Character ${describeChar(ch)} at index ${text.indexOf(ch)} is not in the GSM 7-bit alphabet`);
}

export function encodeGsm7(text: string): number[] {
  const septets: number[] = [];
  for (const ch of text) {
    const code = DEFAULT_CODE.get(ch);
    if (code !== undefined) {
      septets.push(code);
      continue;
    }
    const ext = EXTENSION_CODE.get(ch);
    if (ext === undefined) throw notGsm7(ch, text);
    septets.push(ESC, ext);
  }
  return septets;
}

/**
 * Lenient by design, since it decodes what arrives from the network:
 * - ESC + a code with no extension symbol yields the default-alphabet character for
 *   that code (23.038 §6.2.1.1: a receiver that cannot show the symbol shows the
 *   default character; that is also why ESC+0x65 degrades to "e" on old phones).
 * - ESC ESC is the escape to a further extension table, which 23.038 tells receivers
 *   to show as a space until one is defined; both septets are consumed.
 * - A lone ESC at the end has nothing to escape, so it produces nothing. This happens
 *   when a sender split an escape pair across concatenated segments.
 */
export function decodeGsm7(septets: ArrayLike<number>): string {
  let out = '';
  for (let i = 0; i < septets.length; i++) {
    const code = septetAt(septets, i);
    if (code !== ESC) {
      out += DEFAULT_ALPHABET[code] ?? '';
      continue;
    }
    if (i + 1 >= septets.length) break;
    const next = septetAt(septets, ++i);
    out += next === ESC ? ' ' : (EXTENSION_TABLE.get(next) ?? DEFAULT_ALPHABET[next] ?? '');
  }
  return out;
}

function septetAt(septets: ArrayLike<number>, i: number): number {
  const v = septets[i];
  if (v === undefined || !Number.isInteger(v) || v < 0 || v > 0x7f) {
    throw new RangeError(`Septet at index ${i} is ${String(v)}, expected an integer 0..127`);
  }
  return v;
}

function checkFillBits(fillBits: number): void {
  if (!Number.isInteger(fillBits) || fillBits < 0 || fillBits > 6) {
    throw new RangeError(`fillBits must be an integer 0..6, got ${fillBits}`);
  }
}

/**
 * Septets are laid LSB-first into a continuous bit stream (23.038 §6.1.2.1.1).
 * `fillBits` zero bits come first so that, after a UDH of n octets, the text starts
 * on a septet boundary of the whole user data (23.040 §9.2.3.24): pass
 * (7 - (8 * n) % 7) % 7 and append the result after the UDH.
 *
 * Spare bits in the last octet are zero. 23.038 asks for CR padding only where the
 * length is not signalled (CBS/USSD); in SMS, TP-UDL carries the septet count.
 */
export function packSeptets(septets: ArrayLike<number>, fillBits = 0): Buffer {
  checkFillBits(fillBits);
  const out = Buffer.alloc(Math.ceil((fillBits + septets.length * 7) / 8));
  let bit = fillBits;
  for (let i = 0; i < septets.length; i++) {
    const v = septetAt(septets, i);
    const byte = bit >> 3;
    const shift = bit & 7;
    out[byte] = (out[byte] ?? 0) | ((v << shift) & 0xff);
    if (shift > 1) out[byte + 1] = v >> (8 - shift);
    bit += 7;
  }
  return out;
}

/**
 * Returns fewer than `septetCount` septets when `data` runs out: modems are known to
 * report a TP-UDL larger than the user data they deliver, and what is present is
 * still worth showing.
 */
export function unpackSeptets(data: Uint8Array, septetCount: number, fillBits = 0): number[] {
  checkFillBits(fillBits);
  if (!Number.isInteger(septetCount) || septetCount < 0) {
    throw new RangeError(`septetCount must be a non-negative integer, got ${septetCount}`);
  }
  const available = Math.floor((data.length * 8 - fillBits) / 7);
  const count = Math.min(septetCount, Math.max(available, 0));
  const septets: number[] = new Array<number>(count);
  let bit = fillBits;
  for (let i = 0; i < count; i++) {
    const byte = bit >> 3;
    const shift = bit & 7;
    const lo = (data[byte] ?? 0) >> shift;
    const hi = shift > 1 ? (data[byte + 1] ?? 0) << (8 - shift) : 0;
    septets[i] = (lo | hi) & 0x7f;
    bit += 7;
  }
  return septets;
}
