// decodePdu: one entry point for every TPDU a modem or a test hands us, SMSC prefix and all.
import { readSmscAddress } from './address.ts';
import { readDeliver } from './decode-deliver.ts';
import { readStatusReport } from './decode-status-report.ts';
import { readSubmit } from './decode-submit.ts';
import { PduError } from './errors.ts';
import { MTI_DELIVER, MTI_MASK, MTI_STATUS_REPORT, MTI_SUBMIT } from './first-octet.ts';
import { hexOctet, pduBytes } from './hex.ts';
import { Leniency } from './leniency.ts';
import { PduReader } from './reader.ts';
import type { DecodedPdu, TpduHead } from './types.ts';

export interface DecodeOptions {
  /** Default true: PDU-mode modems put the SMSC address first (27.005 §3.1). */
  hasSmsc?: boolean;
  /**
   * TP-MTI means different things by direction (23.040 §9.2.3.1): 'mt' (default) for what the
   * network sends (DELIVER, STATUS-REPORT), 'mo' for what a phone sends (SUBMIT).
   */
  direction?: 'mt' | 'mo';
  /** Default false. When true, recoverable damage (short user data, stray octets) becomes `warnings`. */
  lenient?: boolean;
}

// TP-MTI 0-2 by direction; the reports of failure and SMS-COMMAND are not decoded here.
const NAMES: Record<'mt' | 'mo', readonly string[]> = {
  mt: ['SMS-DELIVER', 'SMS-SUBMIT-REPORT', 'SMS-STATUS-REPORT'],
  mo: ['SMS-DELIVER-REPORT', 'SMS-SUBMIT', 'SMS-COMMAND'],
};

export function decodePdu(input: string | Uint8Array, opts: DecodeOptions = {}): DecodedPdu {
  const direction = opts.direction ?? 'mt';
  if (direction !== 'mt' && direction !== 'mo') throw new PduError(`direction must be 'mt' or 'mo', got ${JSON.stringify(direction)}`, { field: 'direction' });
  const reader = new PduReader(pduBytes(input));
  const leniency = new Leniency(opts.lenient ?? false);
  const smsc = opts.hasSmsc === false ? undefined : readSmscAddress(reader);
  const tpduStart = reader.offset;
  const firstOctet = reader.octet('first octet (TP-MTI)');
  const head: TpduHead = { ...(smsc ? { smsc } : {}), firstOctet, tpduLength: reader.bytes.length - tpduStart };
  const mti = firstOctet & MTI_MASK;

  let pdu: DecodedPdu;
  if (direction === 'mt' && mti === MTI_DELIVER) pdu = readDeliver(reader, head, leniency);
  else if (direction === 'mt' && mti === MTI_STATUS_REPORT) pdu = readStatusReport(reader, head, leniency);
  else if (direction === 'mo' && mti === MTI_SUBMIT) pdu = readSubmit(reader, head, leniency);
  else {
    const other = direction === 'mt' ? 'mo' : 'mt';
    const why =
      mti === 3
        ? 'a value 23.040 reserves in both directions'
        : `in the '${direction}' direction that is an ${NAMES[direction][mti]}, which this codec does not decode (if it is an ${NAMES[other][mti]}, pass direction: '${other}')`;
    throw new PduError(`TP-MTI at offset ${tpduStart} is ${mti} (first octet ${hexOctet(firstOctet)}): ${why}`, {
      field: 'TP-MTI',
      offset: tpduStart,
    });
  }
  if (leniency.warnings.length > 0) pdu.warnings = [...leniency.warnings];
  return pdu;
}
