// SMS-DELIVER (23.040 §9.2.2.1) as a modem would hand it over, for simulators and tests.
import { encodeAddress, encodeSmscAddress } from './address.ts';
import { encodeDcs } from './dcs.ts';
import { PduError } from './errors.ts';
import { BIT_LP, BIT_MMS, BIT_RP, BIT_SR, BIT_UDHI, MTI_DELIVER } from './first-octet.ts';
import { assemble, bitIf, octetOption } from './options.ts';
import { type ContentOptions, planContent } from './segments.ts';
import { encodeTimestamp } from './timestamp.ts';
import type { EncodedPdu, SmsTimestampInput } from './types.ts';
import { encodeUserData } from './user-data.ts';

export interface DeliverOptions extends ContentOptions {
  /** A number ("+44...", "12345") or, if it has other characters, an alphanumeric sender name. */
  from: string;
  fromToa?: number;
  /** When the SC received the message; default now, written as +00:00. */
  timestamp?: SmsTimestampInput;
  smsc?: string;
  smscToa?: number;
  messageClass?: 0 | 1 | 2 | 3;
  protocolId?: number;
  moreMessagesToSend?: boolean;
  statusReportIndication?: boolean;
  replyPath?: boolean;
  loopPrevention?: boolean;
}

export function encodeDeliver(opts: DeliverOptions): EncodedPdu[] {
  if (typeof opts.from !== 'string') throw new PduError('from is required: the originating number or name', { field: 'from' });
  const smsc = encodeSmscAddress(opts.smsc, opts.smscToa);
  const originator = encodeAddress(opts.from, { option: 'from', toa: opts.fromToa, allowAlphanumeric: true });
  const protocolId = octetOption(opts.protocolId ?? 0, 'protocolId');
  const timestamp = encodeTimestamp(opts.timestamp ?? new Date(), 'timestamp');
  const plan = planContent(opts);
  const dcs = encodeDcs(plan.encoding, opts.messageClass);
  return plan.segments.map(({ udh, content }) => {
    const { udl, ud } = encodeUserData(plan.encoding, udh, content);
    // TP-MMS is inverted: a set bit says no more messages are waiting.
    const firstOctet =
      MTI_DELIVER |
      bitIf(!opts.moreMessagesToSend, BIT_MMS) |
      bitIf(opts.loopPrevention, BIT_LP) |
      bitIf(opts.statusReportIndication, BIT_SR) |
      bitIf(udh !== undefined, BIT_UDHI) |
      bitIf(opts.replyPath, BIT_RP);
    return assemble(smsc, Buffer.concat([Buffer.from([firstOctet]), originator, Buffer.from([protocolId, dcs]), timestamp, Buffer.from([udl]), ud]));
  });
}
