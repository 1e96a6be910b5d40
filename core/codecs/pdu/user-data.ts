// TP-UDL and TP-UD (23.040 §9.2.3.16, §9.2.3.24): the length counts septets for uncompressed
// GSM 7-bit and octets otherwise, and a header, when present, is counted in it too.
import { decodeGsm7, encodeGsm7, packSeptets, unpackSeptets } from '../gsm7.ts';
import { decodeUcs2, encodeUcs2 } from '../ucs2.ts';
import { PduError } from './errors.ts';
import type { Leniency } from './leniency.ts';
import type { PduReader } from './reader.ts';
import type { DataCodingScheme, PduEncoding, UserDataHeader } from './types.ts';
import { parseUdh } from './udh.ts';

export const MAX_UD_OCTETS = 140;
export const MAX_UD_SEPTETS = 160;

export interface UserData {
  udh?: UserDataHeader;
  text?: string;
  data: Buffer;
}

/** Septets a header of `octets` (UDHL included) takes once padded to a septet boundary. */
export function headerSeptets(octets: number): number {
  return Math.ceil((octets * 8) / 7);
}

export function readUserData(reader: PduReader, dcs: DataCodingScheme, udhi: boolean, leniency: Leniency): UserData {
  const udlAt = reader.offset;
  const udl = reader.octet('TP-UDL');
  const udAt = reader.offset;
  const septets = dcs.encoding === 'gsm7' && !dcs.compressed;
  const unit = septets ? 'septets' : 'octets';
  const max = septets ? MAX_UD_SEPTETS : MAX_UD_OCTETS;
  if (udl > max) leniency.problem(`TP-UDL at offset ${udlAt} says ${udl} ${unit}; user data holds at most ${max}`, { field: 'TP-UDL', offset: udlAt });
  const declared = septets ? Math.ceil((udl * 7) / 8) : udl;
  const declaredText = septets ? `${udl} septets (${declared} octets)` : `${udl} octets`;
  const present = reader.remaining;
  if (present < declared) {
    leniency.problem(`TP-UDL says ${declaredText} but only ${present} octets follow at offset ${udAt}`, { field: 'TP-UDL', offset: udlAt });
  } else if (present > declared) {
    leniency.problem(`${present - declared} octets follow at offset ${udAt + declared}, after the ${declaredText} TP-UDL accounts for`, {
      field: 'TP-UDL',
      offset: udlAt,
    });
  }
  const ud = reader.take(Math.min(present, declared), 'TP-UD');
  reader.rest();

  let udh: UserDataHeader | undefined;
  let bodyStart = 0;
  if (udhi && ud.length === 0) {
    leniency.problem(`TP-UDHI is set but no user data follows at offset ${udAt}`, { field: 'TP-UDHI', offset: udAt });
  } else if (udhi) {
    const udhl = ud[0] ?? 0;
    if (udhl + 1 > ud.length) {
      throw new PduError(`UDHL at offset ${udAt} says ${udhl} octets but only ${ud.length - 1} user-data octets follow`, { field: 'TP-UDHL', offset: udAt });
    }
    bodyStart = udhl + 1;
    udh = parseUdh(ud.subarray(0, bodyStart), udAt, leniency);
  }
  const body = ud.subarray(bodyStart);
  const withHeader = udh ? { udh } : {};

  if (septets) {
    const skip = headerSeptets(bodyStart);
    const count = udl - skip;
    if (count < 0) {
      throw new PduError(`TP-UDL at offset ${udlAt} says ${udl} septets, fewer than the ${skip} the ${bodyStart}-octet header takes`, {
        field: 'TP-UDL',
        offset: udlAt,
      });
    }
    // The text starts on the first septet boundary after the header (the fill bits).
    const values = unpackSeptets(body, count, skip * 7 - bodyStart * 8);
    return { ...withHeader, text: decodeGsm7(values), data: Buffer.from(values) };
  }
  if (dcs.encoding === 'ucs2' && !dcs.compressed) {
    if (body.length % 2 !== 0) {
      leniency.problem(`UCS-2 user data at offset ${udAt + bodyStart} has an odd number of octets (${body.length})`, {
        field: 'TP-UD',
        offset: udAt + bodyStart,
      });
    }
    return { ...withHeader, text: decodeUcs2(body), data: Buffer.from(body) };
  }
  return { ...withHeader, data: Buffer.from(body) };
}

/** Text is encoded as `encoding` says (gsm7 or ucs2); octets are 8-bit data. The caller has already sized `content` to fit. */
export function encodeUserData(encoding: PduEncoding, udh: Buffer | undefined, content: string | Buffer): { udl: number; ud: Buffer } {
  const header = udh ?? Buffer.alloc(0);
  if (typeof content === 'string' && encoding === 'gsm7') {
    const values = encodeGsm7(content);
    const skip = headerSeptets(header.length);
    return { udl: skip + values.length, ud: Buffer.concat([header, packSeptets(values, skip * 7 - header.length * 8)]) };
  }
  const ud = Buffer.concat([header, typeof content === 'string' ? encodeUcs2(content) : content]);
  return { udl: ud.length, ud };
}
