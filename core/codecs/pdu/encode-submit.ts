// SMS-SUBMIT (23.040 §9.2.2.2), one per segment, each with the SMSC prefix AT+CMGS expects.
import { encodeAddress, encodeSmscAddress } from './address.ts';
import { encodeDcs } from './dcs.ts';
import { PduError } from './errors.ts';
import { BIT_RD, BIT_RP, BIT_SR, BIT_UDHI, MTI_SUBMIT, VPF_SHIFT } from './first-octet.ts';
import { assemble, bitIf, octetOption } from './options.ts';
import { type ContentOptions, planContent } from './segments.ts';
import { encodeTimestamp } from './timestamp.ts';
import type { EncodedPdu, SmsTimestampInput } from './types.ts';
import { encodeUserData } from './user-data.ts';
import { VPF_ABSOLUTE, VPF_NONE, VPF_RELATIVE, relativeValue } from './validity.ts';

export interface SubmitOptions extends ContentOptions {
  /** "+4470..." is international; other digits are sent with type "unknown", as 27.005 does by default. */
  to: string;
  /** Type-of-Address for `to`, e.g. 0xA1 for a national number. */
  toa?: number;
  /** Default: no SMSC (00), so the modem uses the one on the SIM. */
  smsc?: string;
  smscToa?: number;
  statusReport?: boolean;
  /** Relative validity, rounded up to the next period TP-VP can express. */
  validityMinutes?: number;
  validityAbsolute?: SmsTimestampInput;
  messageClass?: 0 | 1 | 2 | 3;
  /**
   * Default 0, which conventionally lets the modem choose; every segment carries the same value
   * because modems replace it with their own counter anyway.
   */
  messageReference?: number;
  rejectDuplicates?: boolean;
  replyPath?: boolean;
  protocolId?: number;
}

function validityField(opts: SubmitOptions): { vpf: number; vp: Buffer } {
  if (opts.validityMinutes !== undefined && opts.validityAbsolute !== undefined) {
    throw new PduError('give validityMinutes or validityAbsolute, not both', { field: 'validityMinutes' });
  }
  if (opts.validityMinutes !== undefined) return { vpf: VPF_RELATIVE, vp: Buffer.from([relativeValue(opts.validityMinutes)]) };
  if (opts.validityAbsolute !== undefined) return { vpf: VPF_ABSOLUTE, vp: encodeTimestamp(opts.validityAbsolute, 'validityAbsolute') };
  return { vpf: VPF_NONE, vp: Buffer.alloc(0) };
}

export function encodeSubmit(opts: SubmitOptions): EncodedPdu[] {
  if (typeof opts.to !== 'string') throw new PduError('to is required: the destination number', { field: 'to' });
  const smsc = encodeSmscAddress(opts.smsc, opts.smscToa);
  const destination = encodeAddress(opts.to, { option: 'to', toa: opts.toa, allowAlphanumeric: false });
  const reference = octetOption(opts.messageReference ?? 0, 'messageReference');
  const protocolId = octetOption(opts.protocolId ?? 0, 'protocolId');
  const { vpf, vp } = validityField(opts);
  const plan = planContent(opts);
  const dcs = encodeDcs(plan.encoding, opts.messageClass);
  return plan.segments.map(({ udh, content }) => {
    const { udl, ud } = encodeUserData(plan.encoding, udh, content);
    const firstOctet =
      MTI_SUBMIT |
      bitIf(opts.rejectDuplicates, BIT_RD) |
      (vpf << VPF_SHIFT) |
      bitIf(opts.statusReport, BIT_SR) |
      bitIf(udh !== undefined, BIT_UDHI) |
      bitIf(opts.replyPath, BIT_RP);
    return assemble(smsc, Buffer.concat([Buffer.from([firstOctet, reference]), destination, Buffer.from([protocolId, dcs]), vp, Buffer.from([udl]), ud]));
  });
}
