// TP-DCS (3GPP TS 23.038 §4): which alphabet the user data uses and which message class it has.
import { PduError } from './errors.ts';
import type { DataCodingScheme, PduEncoding } from './types.ts';

const ALPHABETS: readonly PduEncoding[] = ['gsm7', '8bit', 'ucs2', 'gsm7'];
const WAITING_KINDS = ['voicemail', 'fax', 'email', 'other'] as const;
type MessageClass = 0 | 1 | 2 | 3;

export function decodeDcs(raw: number): DataCodingScheme {
  const group = raw >> 4;
  if (group <= 0x7) {
    // 00xx and 01xx share one layout; 01xx adds "delete after reading".
    const alphabet = (raw >> 2) & 0x03;
    return {
      raw,
      group: group <= 0x3 ? 'general' : 'auto-delete',
      encoding: ALPHABETS[alphabet] ?? 'gsm7',
      ...(raw & 0x10 ? { messageClass: (raw & 0x03) as MessageClass } : {}),
      compressed: (raw & 0x20) !== 0,
      // 23.038: a receiver assumes the GSM 7-bit default alphabet for any reserved coding.
      ...(alphabet === 3 ? { reserved: true } : {}),
    };
  }
  if (group <= 0xb) return { raw, group: 'reserved', encoding: 'gsm7', compressed: false, reserved: true };
  if (group <= 0xe) {
    return {
      raw,
      group: 'message-waiting',
      encoding: group === 0xe ? 'ucs2' : 'gsm7',
      compressed: false,
      messageWaiting: { store: group !== 0xc, active: (raw & 0x08) !== 0, kind: WAITING_KINDS[raw & 0x03] ?? 'other' },
    };
  }
  return { raw, group: 'data-class', encoding: raw & 0x04 ? '8bit' : 'gsm7', messageClass: (raw & 0x03) as MessageClass, compressed: false };
}

/** The general group can express every alphabet with or without a class, so the encoder uses only it. */
export function encodeDcs(encoding: PduEncoding, messageClass?: number): number {
  const alphabet = encoding === '8bit' ? 0x04 : encoding === 'ucs2' ? 0x08 : 0x00;
  if (messageClass === undefined) return alphabet;
  if (!Number.isInteger(messageClass) || messageClass < 0 || messageClass > 3) {
    throw new PduError(`messageClass must be 0, 1, 2 or 3, got ${messageClass}`, { field: 'messageClass' });
  }
  return 0x10 | alphabet | messageClass;
}
