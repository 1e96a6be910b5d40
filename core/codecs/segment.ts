// How a text is split into SMS segments (23.040 §9.2.3.24.1 concatenation).
import { gsm7Length, isGsm7 } from './gsm7.ts';

export type SmsEncoding = 'gsm7' | 'ucs2';

/** Units are septets for gsm7 and UTF-16 code units for ucs2. */
export interface SmsPlan {
  encoding: SmsEncoding;
  segments: string[];
  unitsPerSegment: number[];
}

export interface SmsPlanOptions {
  encoding?: SmsEncoding | 'auto';
  /** UDH octets per concatenated segment, UDHL included: 6 with an 8-bit reference, 7 with a 16-bit one. */
  udhBytes?: number;
}

const USER_DATA_OCTETS = 140;
const SINGLE_GSM7_SEPTETS = 160;
const SINGLE_UCS2_UNITS = 70;
const DEFAULT_UDH_BYTES = 6;

// The UDH is padded up to a septet boundary (23.040 §9.2.3.24), so the text gets
// the whole septets that remain after it.
function concatCapacity(encoding: SmsEncoding, udhBytes: number): number {
  const free = USER_DATA_OCTETS - udhBytes;
  return encoding === 'gsm7' ? Math.floor((free * 8) / 7) : Math.floor(free / 2);
}

function unitCost(encoding: SmsEncoding, ch: string): number {
  return encoding === 'gsm7' ? gsm7Length(ch) : ch.length;
}

function resolveEncoding(text: string, requested: SmsEncoding | 'auto'): SmsEncoding {
  if (requested === 'auto') return isGsm7(text) ? 'gsm7' : 'ucs2';
  // Forcing gsm7 on text that does not fit must fail loudly rather than mangle it.
  if (requested === 'gsm7') gsm7Length(text);
  return requested;
}

export function planSms(text: string, opts: SmsPlanOptions = {}): SmsPlan {
  const encoding = resolveEncoding(text, opts.encoding ?? 'auto');
  const udhBytes = opts.udhBytes ?? DEFAULT_UDH_BYTES;
  const capacity = concatCapacity(encoding, udhBytes);
  // Checked even for short texts so a bad option fails the first time, not the first
  // long message. Two units is the least that still fits an escape or surrogate pair.
  if (!Number.isInteger(udhBytes) || udhBytes < 0 || capacity < 2) {
    throw new RangeError(`udhBytes must be an integer that leaves room for text, got ${udhBytes}`);
  }
  const total = encoding === 'gsm7' ? gsm7Length(text) : text.length;
  const single = encoding === 'gsm7' ? SINGLE_GSM7_SEPTETS : SINGLE_UCS2_UNITS;
  if (total <= single) return { encoding, segments: [text], unitsPerSegment: [total] };

  const segments: string[] = [];
  const unitsPerSegment: number[] = [];
  let current = '';
  let units = 0;
  // Code-point iteration keeps surrogate pairs together, and unitCost charges an
  // extension character its ESC too, so neither kind of pair can straddle a boundary.
  // Receivers that render each segment on its own would otherwise show garbage.
  for (const ch of text) {
    const cost = unitCost(encoding, ch);
    if (units + cost > capacity) {
      segments.push(current);
      unitsPerSegment.push(units);
      current = '';
      units = 0;
    }
    current += ch;
    units += cost;
  }
  segments.push(current);
  unitsPerSegment.push(units);
  return { encoding, segments, unitsPerSegment };
}

export function segmentCount(text: string, opts?: SmsPlanOptions): number {
  return planSms(text, opts).segments.length;
}
