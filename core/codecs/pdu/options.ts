// Checks shared by the encoders, so a bad option fails with its name rather than as a corrupt PDU.
import { PduError } from './errors.ts';
import { toHex } from './hex.ts';
import type { EncodedPdu } from './types.ts';

export function octetOption(value: number, option: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) throw new PduError(`${option} must be an integer 0-255, got ${value}`, { field: option });
  return value;
}

export function bitIf(condition: boolean | undefined, bit: number): number {
  return condition ? bit : 0;
}

export function assemble(smsc: Buffer, tpdu: Buffer): EncodedPdu {
  return { pdu: toHex(Buffer.concat([smsc, tpdu])), tpduLength: tpdu.length };
}
