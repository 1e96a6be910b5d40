// Splits what an encoder is asked to send into the user data of one TPDU each: the alphabet,
// the concatenation header (23.040 §9.2.3.24.1) and port addressing (§9.2.3.24.4) when asked.
import { randomInt } from 'node:crypto';
import { gsm7Length, isGsm7 } from '../gsm7.ts';
import { planSms } from '../segment.ts';
import { PduError } from './errors.ts';
import type { PduEncoding } from './types.ts';
import { buildUdh, concatElement, portsElement } from './udh.ts';
import { MAX_UD_OCTETS } from './user-data.ts';

export interface ContentOptions {
  text?: string;
  /** 8-bit data; give either this or text. */
  data?: Uint8Array;
  /** Default 'auto': GSM 7-bit when every character has a code there, UCS-2 otherwise. */
  encoding?: 'auto' | PduEncoding;
  /** Concatenation reference shared by all parts; random by default. */
  concatRef?: number;
  /** A 16-bit reference (IEI 0x08) instead of the usual 8-bit one (IEI 0x00). */
  concat16?: boolean;
  /** Application ports; 16-bit (IEI 0x05) unless bits is 8 (IEI 0x04). */
  ports?: { source: number; destination: number; bits?: 8 | 16 };
  /** Further header elements (IEI, length, data, ...; no UDHL), repeated in every segment after the ports. */
  elements?: Uint8Array;
}

export interface PlannedSegment {
  udh?: Buffer;
  /** Text for gsm7 and ucs2, octets for 8bit. */
  content: string | Buffer;
}

export interface ContentPlan {
  encoding: PduEncoding;
  segments: PlannedSegment[];
}

// The part number and count are single octets.
const MAX_PARTS = 255;

export function planContent(opts: ContentOptions): ContentPlan {
  const fixed = [...(opts.ports ? [ports(opts.ports)] : []), ...(opts.elements?.length ? [Buffer.from(opts.elements)] : [])];
  const fixedOctets = fixed.reduce((n, element) => n + element.length, 0);
  const refBits = opts.concat16 ? 16 : 8;
  const concatOctets = refBits === 16 ? 6 : 5;
  const { encoding, pieces } = opts.data === undefined ? planText(opts, fixedOctets, concatOctets) : planData(opts, fixedOctets, concatOctets);
  if (pieces.length > MAX_PARTS) {
    throw new PduError(`the message needs ${pieces.length} parts; concatenation allows at most ${MAX_PARTS}`, { field: opts.data ? 'data' : 'text' });
  }
  if (pieces.length === 1) return { encoding, segments: [{ ...(fixed.length > 0 ? { udh: buildUdh(fixed) } : {}), content: pieces[0] ?? '' }] };
  const ref = concatRef(opts.concatRef, refBits);
  return {
    encoding,
    // Ports before concatenation, as Kannel and libgammu lay a port-addressed long message out.
    segments: pieces.map((content, i) => ({ udh: buildUdh([...fixed, concatElement(ref, pieces.length, i + 1, refBits)]), content })),
  };
}

function ports({ source, destination, bits = 16 }: NonNullable<ContentOptions['ports']>): Buffer {
  if (bits !== 8 && bits !== 16) throw new PduError(`ports.bits must be 8 or 16, got ${String(bits)}`, { field: 'ports' });
  const max = bits === 8 ? 0xff : 0xffff;
  for (const [name, port] of [
    ['source', source],
    ['destination', destination],
  ] as const) {
    if (!Number.isInteger(port) || port < 0 || port > max) {
      throw new PduError(`ports.${name} must be an integer 0-${max} for ${bits}-bit ports, got ${port}`, { field: 'ports' });
    }
  }
  return portsElement(source, destination, bits);
}

function concatRef(ref: number | undefined, bits: 8 | 16): number {
  const limit = 2 ** bits;
  if (ref === undefined) return randomInt(limit);
  if (!Number.isInteger(ref) || ref < 0 || ref >= limit) {
    throw new PduError(`concatRef must be an integer 0-${limit - 1} for a ${bits}-bit reference, got ${ref}`, { field: 'concatRef' });
  }
  return ref;
}

function planData(opts: ContentOptions, fixedOctets: number, concatOctets: number): { encoding: PduEncoding; pieces: Buffer[] } {
  if (opts.text !== undefined) throw new PduError('give text or data, not both', { field: 'data' });
  if (opts.encoding !== undefined && opts.encoding !== 'auto' && opts.encoding !== '8bit') {
    throw new PduError(`data is 8-bit octets; encoding ${opts.encoding} is for text`, { field: 'encoding' });
  }
  const data = Buffer.from(opts.data ?? []);
  const single = MAX_UD_OCTETS - (fixedOctets > 0 ? 1 + fixedOctets : 0);
  if (data.length <= single) return { encoding: '8bit', pieces: [data] };
  const per = MAX_UD_OCTETS - 1 - fixedOctets - concatOctets;
  const pieces: Buffer[] = [];
  for (let at = 0; at < data.length; at += per) pieces.push(data.subarray(at, at + per));
  return { encoding: '8bit', pieces };
}

function textCapacity(encoding: 'gsm7' | 'ucs2', udhOctets: number): number {
  const free = MAX_UD_OCTETS - udhOctets;
  return encoding === 'gsm7' ? Math.floor((free * 8) / 7) : Math.floor(free / 2);
}

function planText(opts: ContentOptions, fixedOctets: number, concatOctets: number): { encoding: PduEncoding; pieces: string[] } {
  if (opts.text === undefined) throw new PduError('give text or data to send', { field: 'text' });
  const text = opts.text;
  const requested = opts.encoding ?? 'auto';
  if (requested === '8bit') throw new PduError('encoding 8bit takes data (octets), not text', { field: 'encoding' });
  const encoding = requested === 'auto' ? (isGsm7(text) ? 'gsm7' : 'ucs2') : requested;
  if (encoding === 'gsm7') {
    try {
      gsm7Length(text);
    } catch (e) {
      throw new PduError(`text cannot be sent as gsm7: ${(e as Error).message}`, { field: 'text' });
    }
  }
  const udhBytes = 1 + fixedOctets + concatOctets;
  const plan = planSms(text, { encoding, udhBytes });
  const units = plan.unitsPerSegment[0] ?? 0;
  if (fixedOctets === 0 || plan.segments.length > 1 || units <= textCapacity(encoding, 1 + fixedOctets)) {
    return { encoding, pieces: plan.segments };
  }
  // planSms keeps anything up to 160 septets (70 UCS-2 units) whole because that fits without a
  // header, but the port element already takes room. Planning the text followed by filler forces
  // the split; filling is greedy, so the text's own boundaries are where they would be alone.
  const padded = planSms(text + '@'.repeat(textCapacity(encoding, 0) + 1), { encoding, udhBytes });
  const pieces: string[] = [];
  let left = text.length;
  for (const segment of padded.segments) {
    if (left <= 0) break;
    pieces.push(segment.slice(0, left));
    left -= segment.length;
  }
  return { encoding, pieces };
}
