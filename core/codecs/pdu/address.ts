// Address fields: TP-OA/TP-DA/TP-RA (23.040 §9.1.2.5) count their length in semi-octets;
// the SMSC prefix a modem puts before the TPDU (27.005 §3.1, the RP-address of 24.011)
// counts octets instead, Type-of-Address included.
import { decodeGsm7, encodeGsm7, packSeptets, unpackSeptets } from '../gsm7.ts';
import { PduError } from './errors.ts';
import { PduReader } from './reader.ts';
import { decodeSemiOctets, encodeSemiOctets, isSemiOctetDigits } from './semi-octets.ts';
import type { AddressType, PduAddress } from './types.ts';

const TYPES: readonly AddressType[] = ['unknown', 'international', 'national', 'network-specific', 'subscriber', 'alphanumeric', 'abbreviated', 'reserved'];
const TON_ALPHANUMERIC = 5;
// Address-Value is at most 10 octets, so 20 digits or 11 packed characters.
const MAX_SEMI_OCTETS = 20;
const MAX_ALPHANUMERIC = 11;
const MAX_SMSC_OCTETS = 11;
// 27.005's defaults for <toda>: 145 when the number starts with "+", 129 otherwise.
const TOA_INTERNATIONAL = 0x91;
const TOA_UNKNOWN = 0x81;
const TOA_ALPHANUMERIC = 0xd0;

function describe(toa: number, value: Buffer, semiOctets: number): PduAddress {
  const ton = (toa >> 4) & 0x07;
  const npi = toa & 0x0f;
  const type = TYPES[ton] ?? 'reserved';
  if (ton === TON_ALPHANUMERIC) {
    // The length counts the semi-octets the packed characters occupy, so whole septets fit in it.
    const chars = Math.floor((semiOctets * 4) / 7);
    return { number: decodeGsm7(unpackSeptets(value, chars)), type, ton, npi, toa };
  }
  const digits = decodeSemiOctets(value, semiOctets);
  return { number: type === 'international' ? `+${digits}` : digits, digits, type, ton, npi, toa };
}

export function readAddress(reader: PduReader, field: string): PduAddress {
  const at = reader.offset;
  const length = reader.octet(`${field} length`);
  if (length > MAX_SEMI_OCTETS) {
    throw new PduError(`${field} length says ${length} semi-octets at offset ${at}; an address holds at most ${MAX_SEMI_OCTETS}`, { field, offset: at });
  }
  const toa = reader.octet(`${field} type of address`);
  return describe(toa, reader.take(Math.ceil(length / 2), `${field} (${length} semi-octets)`), length);
}

export function readSmscAddress(reader: PduReader): PduAddress | undefined {
  const at = reader.offset;
  const length = reader.octet('SMSC address length');
  if (length === 0) return undefined;
  if (length > MAX_SMSC_OCTETS) {
    throw new PduError(
      `SMSC address length says ${length} octets at offset ${at}; it holds at most ${MAX_SMSC_OCTETS} (is this a bare TPDU? decode it with hasSmsc: false)`,
      { field: 'SMSC address', offset: at },
    );
  }
  const toa = reader.octet('SMSC type of address');
  const value = reader.take(length - 1, 'SMSC address');
  return describe(toa, value, value.length * 2);
}

/** A TP address on its own, length octet first; octets after it are ignored. */
export function decodeAddress(bytes: Uint8Array, field = 'address'): PduAddress {
  return readAddress(new PduReader(Buffer.from(bytes)), field);
}

/** The SMSC prefix on its own; undefined when it is the single octet 00. */
export function decodeSmscAddress(bytes: Uint8Array): PduAddress | undefined {
  return readSmscAddress(new PduReader(Buffer.from(bytes)));
}

interface ResolvedAddress {
  toa: number;
  semiOctets: number;
  value: Buffer;
}

export interface AddressInputOptions {
  /** The encoder option being encoded, named in errors. */
  option: string;
  /** Overrides the Type-of-Address octet the number would otherwise get. */
  toa?: number | undefined;
  /** Only originators may be names; a destination must be dialable. */
  allowAlphanumeric: boolean;
}

function resolveAddress(input: string, opts: AddressInputOptions): ResolvedAddress {
  const { option } = opts;
  let toa = opts.toa;
  if (toa !== undefined && (!Number.isInteger(toa) || toa < 0x80 || toa > 0xff)) {
    throw new PduError(`${option} type of address must be an integer 0x80-0xFF (bit 7 is always set), got ${toa}`, { field: option });
  }
  const numeric = /^\+?[0-9*#]+$/.test(input);
  toa ??= numeric ? (input.startsWith('+') ? TOA_INTERNATIONAL : TOA_UNKNOWN) : TOA_ALPHANUMERIC;
  if (((toa >> 4) & 0x07) === TON_ALPHANUMERIC) {
    if (!opts.allowAlphanumeric)
      throw new PduError(`${option}: ${JSON.stringify(input)} is not a phone number (digits, * and #, optionally after +)`, { field: option });
    return alphanumeric(input, toa, option);
  }
  const digits = input.startsWith('+') ? input.slice(1) : input;
  if (digits.length === 0 || !isSemiOctetDigits(digits)) {
    throw new PduError(`${option}: ${JSON.stringify(input)} is not a phone number (digits, * and #, optionally after +)`, { field: option });
  }
  if (digits.length > MAX_SEMI_OCTETS) throw new PduError(`${option}: ${digits.length} digits, an address holds at most ${MAX_SEMI_OCTETS}`, { field: option });
  return { toa, semiOctets: digits.length, value: encodeSemiOctets(digits) };
}

function alphanumeric(input: string, toa: number, option: string): ResolvedAddress {
  let septets: number[];
  try {
    septets = encodeGsm7(input);
  } catch (e) {
    throw new PduError(`${option}: an alphanumeric address must be GSM 7-bit text: ${(e as Error).message}`, { field: option });
  }
  if (septets.length === 0 || septets.length > MAX_ALPHANUMERIC) {
    throw new PduError(`${option}: ${JSON.stringify(input)} takes ${septets.length} septets; an alphanumeric address holds 1 to ${MAX_ALPHANUMERIC}`, {
      field: option,
    });
  }
  return { toa, semiOctets: Math.ceil((septets.length * 7) / 4), value: packSeptets(septets) };
}

export function encodeAddress(input: string, opts: AddressInputOptions): Buffer {
  const { toa, semiOctets, value } = resolveAddress(input, opts);
  return Buffer.concat([Buffer.from([semiOctets, toa]), value]);
}

/** No SMSC (undefined or "") is the single octet 00: the modem then uses the one stored on the SIM (AT+CSCA). */
export function encodeSmscAddress(input: string | undefined, toa?: number): Buffer {
  if (input === undefined || input === '') return Buffer.from([0]);
  const resolved = resolveAddress(input, { option: 'smsc', toa, allowAlphanumeric: false });
  return Buffer.concat([Buffer.from([resolved.value.length + 1, resolved.toa]), resolved.value]);
}
