// What the TE types after the "> " prompt in PDU mode (27.005 §3.5.1, §4.3): hex, the SMSC address
// first, and a <length> on the command line that counts only the TPDU after it.
import { decodePdu, isPduError, type DecodedPdu } from '../../../../core/codecs/pdu/index.ts';
import { CMS, cms, type Final } from './result-codes.ts';

export interface PduBody {
  pdu: string;
  tpduLength: number;
  hasSmsc: boolean;
  decoded: DecodedPdu;
}

export function readPduBody(body: string, length: number, direction: 'mo' | 'mt'): PduBody | Final {
  // Line breaks and spaces around the hex are the TE's formatting, not part of the PDU.
  const pdu = body.replace(/\s+/g, '').toUpperCase();
  if (!/^([0-9A-F]{2})+$/.test(pdu)) return cms(CMS.invalidPduParameter);
  const smscOctets = parseInt(pdu.slice(0, 2), 16);
  const tpduLength = pdu.length / 2 - 1 - smscOctets;
  if (tpduLength <= 0 || tpduLength !== length) return cms(CMS.invalidPduParameter);
  let decoded: DecodedPdu;
  try {
    decoded = decodePdu(pdu, { direction });
  } catch (e) {
    if (isPduError(e)) return cms(CMS.invalidPduParameter);
    throw e;
  }
  return { pdu, tpduLength, hasSmsc: smscOctets > 0, decoded };
}

export function isFinal(x: PduBody | Final): x is Final {
  return 'kind' in x;
}
