// PDUs travel as hex text on the AT interface (27.005 §3.1: "<pdu>" is hexadecimal).
import { PduError } from './errors.ts';

/**
 * Surrounding whitespace is tolerated because modem lines end in CR LF; anything else
 * that is not a hex digit is refused, since guessing at a damaged PDU hides the damage.
 */
export function pduBytes(input: string | Uint8Array): Buffer {
  if (typeof input !== 'string') {
    if (input.length === 0) throw new PduError('PDU is empty', { offset: 0 });
    return Buffer.from(input);
  }
  const hex = input.trim();
  if (hex.length === 0) throw new PduError('PDU is empty', { offset: 0 });
  const bad = /[^0-9a-fA-F]/.exec(hex);
  if (bad) {
    throw new PduError(`PDU hex has ${JSON.stringify(bad[0])} at character ${bad.index}; only 0-9 and A-F are allowed`, {
      offset: Math.floor(bad.index / 2),
    });
  }
  if (hex.length % 2 !== 0) {
    throw new PduError(`PDU hex has an odd number of digits (${hex.length}): the last octet at offset ${(hex.length - 1) / 2} is cut in half`, {
      offset: (hex.length - 1) / 2,
    });
  }
  return Buffer.from(hex, 'hex');
}

export function toHex(data: Uint8Array): string {
  return Buffer.from(data).toString('hex').toUpperCase();
}

/** For error messages: 0x1F rather than 31, as the octet appears in a hex dump. */
export function hexOctet(n: number): string {
  return `0x${n.toString(16).toUpperCase().padStart(2, '0')}`;
}
