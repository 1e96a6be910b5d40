// The User Data Header (23.040 §9.2.3.24): concatenation (§9.2.3.24.1, §9.2.3.24.8) and
// application port addressing (§9.2.3.24.3, §9.2.3.24.4); other elements are kept as raw data.
import { hexOctet } from './hex.ts';
import type { Leniency } from './leniency.ts';
import type { UdhElement, UserDataHeader } from './types.ts';

export const IEI_CONCAT_8 = 0x00;
export const IEI_PORTS_8 = 0x04;
export const IEI_PORTS_16 = 0x05;
export const IEI_CONCAT_16 = 0x08;

/** `raw` includes the UDHL octet; `offset` is where it sits in the PDU, for error messages. */
export function parseUdh(raw: Buffer, offset: number, leniency: Leniency): UserDataHeader {
  const elements: UdhElement[] = [];
  let at = 1;
  while (at < raw.length) {
    const iei = raw[at] ?? 0;
    const length = raw[at + 1];
    if (length === undefined || at + 2 + length > raw.length) {
      const what = length === undefined ? 'has no length octet' : `claims ${length} octets but the header has ${raw.length - at - 2} left`;
      leniency.problem(`UDH element ${hexOctet(iei)} at offset ${offset + at} ${what} (UDHL is ${raw.length - 1})`, { field: 'TP-UDH', offset: offset + at });
      // 23.040: when the last element does not fit the header length, the whole header is ignored.
      return { raw, elements: [] };
    }
    elements.push({ iei, data: raw.subarray(at + 2, at + 2 + length) });
    at += 2 + length;
  }
  const header: UserDataHeader = { raw, elements };
  // Elements are applied in order so that a repeated one ends with its last occurrence, as 23.040 requires.
  for (const element of elements) interpret(header, element);
  return header;
}

// An element of a known IEI but the wrong size is not understood, so it stays only in `elements`.
function interpret(header: UserDataHeader, { iei, data }: UdhElement): void {
  if (iei === IEI_CONCAT_8 && data.length === 3) setConcat(header, data[0] ?? 0, data[1] ?? 0, data[2] ?? 0, 8);
  else if (iei === IEI_CONCAT_16 && data.length === 4) setConcat(header, data.readUInt16BE(0), data[2] ?? 0, data[3] ?? 0, 16);
  else if (iei === IEI_PORTS_8 && data.length === 2) header.ports = { destination: data[0] ?? 0, source: data[1] ?? 0, bits: 8 };
  else if (iei === IEI_PORTS_16 && data.length === 4) header.ports = { destination: data.readUInt16BE(0), source: data.readUInt16BE(2), bits: 16 };
}

function setConcat(header: UserDataHeader, ref: number, total: number, seq: number, refBits: 8 | 16): void {
  // 23.040 tells the receiver to ignore the element when the count is 0 or the number is 0 or beyond it.
  if (total === 0 || seq === 0 || seq > total) return;
  header.concat = { ref, total, seq, refBits };
}

export function concatElement(ref: number, total: number, seq: number, refBits: 8 | 16): Buffer {
  return refBits === 16 ? Buffer.from([IEI_CONCAT_16, 4, ref >> 8, ref & 0xff, total, seq]) : Buffer.from([IEI_CONCAT_8, 3, ref, total, seq]);
}

export function portsElement(source: number, destination: number, bits: 8 | 16): Buffer {
  return bits === 16
    ? Buffer.from([IEI_PORTS_16, 4, destination >> 8, destination & 0xff, source >> 8, source & 0xff])
    : Buffer.from([IEI_PORTS_8, 2, destination, source]);
}

export function buildUdh(elements: Buffer[]): Buffer {
  const body = Buffer.concat(elements);
  return Buffer.concat([Buffer.from([body.length]), body]);
}
