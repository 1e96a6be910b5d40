// TP-SCTS and its kin (23.040 §9.2.3.11): seven swapped-BCD octets, the last giving the
// zone in quarter hours with the sign in bit 3, so the local time the SC saw survives.
import { PduError } from './errors.ts';
import { hexOctet } from './hex.ts';
import type { PduReader } from './reader.ts';
import { swappedBcd, toSwappedBcd } from './semi-octets.ts';
import type { SmsTimestamp, SmsTimestampInput } from './types.ts';

const FIELDS = [
  { name: 'year', min: 0, max: 99 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day', min: 1, max: 31 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'second', min: 0, max: 59 },
] as const;
const ZONE_SIGN = 0x08;
// Two BCD digits with the top bit taken by the sign leave 79 quarter hours.
const MAX_QUARTERS = 79;
// 23.040 carries two year digits; SMS predates 1990, so 90-99 can only be the 1990s.
const CENTURY_PIVOT = 90;

const pad = (n: number): string => String(n).padStart(2, '0');

function formatOffset(tzMinutes: number): string {
  const abs = Math.abs(tzMinutes);
  return `${tzMinutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

export function readTimestamp(reader: PduReader, field: string): SmsTimestamp {
  const at = reader.offset;
  return decodeTimestamp(reader.take(7, field), field, at);
}

export function decodeTimestamp(bytes: Uint8Array, field: string, offset: number): SmsTimestamp {
  const values = FIELDS.map(({ name, min, max }, i) => {
    const byte = bytes[i] ?? 0;
    const value = swappedBcd(byte);
    const where = `${field} ${name} at offset ${offset + i}`;
    if (Number.isNaN(value)) throw new PduError(`${where} is octet ${hexOctet(byte)}, not two decimal digits`, { field, offset: offset + i });
    if (value < min || value > max) throw new PduError(`${where} is ${value}, outside ${min}-${max}`, { field, offset: offset + i });
    return value;
  });
  const [yy = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0] = values;
  const zone = bytes[6] ?? 0;
  const quarters = swappedBcd(zone & ~ZONE_SIGN);
  if (Number.isNaN(quarters))
    throw new PduError(`${field} time zone at offset ${offset + 6} is octet ${hexOctet(zone)}, not a BCD count of quarter hours`, {
      field,
      offset: offset + 6,
    });
  const tzMinutes = zone & ZONE_SIGN && quarters !== 0 ? -quarters * 15 : quarters * 15;
  const year = yy >= CENTURY_PIVOT ? 1900 + yy : 2000 + yy;
  const local = Date.UTC(year, month - 1, day, hour, minute, second);
  if (new Date(local).getUTCDate() !== day) {
    throw new PduError(`${field} at offset ${offset} names ${year}-${pad(month)}-${pad(day)}, a day that does not exist`, { field, offset: offset + 2 });
  }
  return {
    date: new Date(local - tzMinutes * 60_000),
    iso: `${year}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}${formatOffset(tzMinutes)}`,
    tzMinutes,
  };
}

export function encodeTimestamp(input: SmsTimestampInput, option: string): Buffer {
  const { date, tzMinutes } = input instanceof Date ? { date: input, tzMinutes: 0 } : input;
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new PduError(`${option} is not a valid date`, { field: option });
  if (!Number.isInteger(tzMinutes) || tzMinutes % 15 !== 0 || Math.abs(tzMinutes / 15) > MAX_QUARTERS) {
    throw new PduError(`${option} time zone must be a whole number of quarter hours within ±${MAX_QUARTERS * 15} minutes, got ${tzMinutes}`, { field: option });
  }
  // The PDU carries the local wall-clock time; shifting by the zone and reading UTC fields yields it.
  const local = new Date(date.getTime() + tzMinutes * 60_000);
  const year = local.getUTCFullYear();
  if (year < 1900 + CENTURY_PIVOT || year >= 2000 + CENTURY_PIVOT) {
    throw new PduError(`${option} year ${year} cannot be written with two digits (1990-2089)`, { field: option });
  }
  const quarters = Math.abs(tzMinutes / 15);
  return Buffer.from([
    toSwappedBcd(year % 100),
    toSwappedBcd(local.getUTCMonth() + 1),
    toSwappedBcd(local.getUTCDate()),
    toSwappedBcd(local.getUTCHours()),
    toSwappedBcd(local.getUTCMinutes()),
    toSwappedBcd(local.getUTCSeconds()),
    toSwappedBcd(quarters) | (tzMinutes < 0 ? ZONE_SIGN : 0),
  ]);
}
