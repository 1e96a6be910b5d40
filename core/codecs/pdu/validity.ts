// TP-VP (23.040 §9.2.3.12) in its three formats, selected by TP-VPF in the first octet.
import { PduError } from './errors.ts';
import type { PduReader } from './reader.ts';
import { swappedBcd } from './semi-octets.ts';
import { readTimestamp } from './timestamp.ts';
import type { Validity } from './types.ts';

export const VPF_NONE = 0;
export const VPF_ENHANCED = 1;
export const VPF_RELATIVE = 2;
export const VPF_ABSOLUTE = 3;

const HOUR = 60;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
export const MAX_RELATIVE_MINUTES = 63 * WEEK;

export function relativeMinutes(vp: number): number {
  if (vp <= 143) return (vp + 1) * 5;
  if (vp <= 167) return 12 * HOUR + (vp - 143) * 30;
  if (vp <= 196) return (vp - 166) * DAY;
  return (vp - 192) * WEEK;
}

/** Rounds up to the next step the format can express, so a message never expires sooner than asked. */
export function relativeValue(minutes: number): number {
  if (!Number.isFinite(minutes) || minutes <= 0 || minutes > MAX_RELATIVE_MINUTES) {
    throw new PduError(`validityMinutes must be more than 0 and at most ${MAX_RELATIVE_MINUTES} (63 weeks), got ${minutes}`, { field: 'validityMinutes' });
  }
  if (minutes <= 12 * HOUR) return Math.max(Math.ceil(minutes / 5) - 1, 0);
  if (minutes <= DAY) return 143 + Math.ceil((minutes - 12 * HOUR) / 30);
  if (minutes <= 30 * DAY) return 166 + Math.ceil(minutes / DAY);
  return 192 + Math.ceil(minutes / WEEK);
}

export function readValidity(reader: PduReader, vpf: number): Validity | undefined {
  if (vpf === VPF_NONE) return undefined;
  if (vpf === VPF_RELATIVE) {
    const raw = reader.octet('TP-VP (relative)');
    return { format: 'relative', raw, minutes: relativeMinutes(raw) };
  }
  if (vpf === VPF_ABSOLUTE) return { format: 'absolute', timestamp: readTimestamp(reader, 'TP-VP (absolute)') };
  return enhanced(Buffer.from(reader.take(7, 'TP-VP (enhanced)')));
}

// The first octet says how the other six are used; extension octets, if any, push the value further along.
function enhanced(raw: Buffer): Validity {
  const indicator = raw[0] ?? 0;
  let at = 1;
  while (at < raw.length && (raw[at - 1] ?? 0) & 0x80) at++;
  const value = raw.subarray(at);
  const base = { format: 'enhanced' as const, raw, singleShot: (indicator & 0x40) !== 0 };
  const seconds = enhancedSeconds(indicator & 0x07, value);
  return seconds === undefined ? base : { ...base, seconds };
}

function enhancedSeconds(format: number, value: Buffer): number | undefined {
  const first = value[0];
  if (first === undefined) return undefined;
  if (format === 1) return relativeMinutes(first) * 60;
  // Zero seconds is reserved by 23.040, so it is reported as "no period" rather than as 0.
  if (format === 2) return first === 0 ? undefined : first;
  if (format === 3) {
    const [h, m, s] = [0, 1, 2].map((i) => swappedBcd(value[i] ?? 0xff));
    if (h === undefined || m === undefined || s === undefined || [h, m, s].some(Number.isNaN)) return undefined;
    return h * 3600 + m * 60 + s;
  }
  return undefined;
}
