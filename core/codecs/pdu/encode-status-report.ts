// SMS-STATUS-REPORT (23.040 §9.2.2.3) as a modem would hand it over, for simulators and tests.
import { encodeAddress, encodeSmscAddress } from './address.ts';
import { encodeDcs } from './dcs.ts';
import { PduError } from './errors.ts';
import { BIT_LP, BIT_MMS, BIT_SR, MTI_STATUS_REPORT } from './first-octet.ts';
import { assemble, bitIf, octetOption } from './options.ts';
import { planContent } from './segments.ts';
import { encodeTimestamp } from './timestamp.ts';
import type { EncodedPdu, PduEncoding, SmsTimestampInput } from './types.ts';
import { encodeUserData } from './user-data.ts';

export interface StatusReportOptions {
  /** The number the reported message was sent to. */
  recipient: string;
  recipientToa?: number;
  /** TP-MR of the SMS-SUBMIT being reported on. */
  messageReference: number;
  /** TP-ST: 0x00 delivered, 0x20-0x3F still trying, 0x40 and up failed. */
  status: number;
  scTimestamp: SmsTimestampInput;
  dischargeTime: SmsTimestampInput;
  smsc?: string;
  smscToa?: number;
  moreMessagesToSend?: boolean;
  loopPrevention?: boolean;
  /** Default 'submit' (TP-SRQ 0). */
  reportFor?: 'submit' | 'command';
  /** The optional tail after TP-ST; any of these adds TP-PI. */
  protocolId?: number;
  text?: string;
  data?: Uint8Array;
  encoding?: 'auto' | PduEncoding;
  messageClass?: 0 | 1 | 2 | 3;
}

const PI_PID = 0x01;
const PI_DCS = 0x02;
const PI_UDL = 0x04;

function optionalTail(opts: StatusReportOptions): Buffer {
  const pid = opts.protocolId === undefined ? [] : [octetOption(opts.protocolId, 'protocolId')];
  if (opts.text === undefined && opts.data === undefined) return pid.length > 0 ? Buffer.from([PI_PID, ...pid]) : Buffer.alloc(0);
  const plan = planContent({
    ...(opts.text === undefined ? {} : { text: opts.text }),
    ...(opts.data === undefined ? {} : { data: opts.data }),
    ...(opts.encoding ? { encoding: opts.encoding } : {}),
  });
  const [only, ...more] = plan.segments;
  if (!only || more.length > 0) throw new PduError('status report user data must fit a single TPDU', { field: opts.text === undefined ? 'data' : 'text' });
  const { udl, ud } = encodeUserData(plan.encoding, undefined, only.content);
  const pi = (pid.length > 0 ? PI_PID : 0) | PI_DCS | PI_UDL;
  return Buffer.concat([Buffer.from([pi, ...pid, encodeDcs(plan.encoding, opts.messageClass), udl]), ud]);
}

export function encodeStatusReport(opts: StatusReportOptions): EncodedPdu {
  if (typeof opts.recipient !== 'string') throw new PduError('recipient is required: the number the report is about', { field: 'recipient' });
  const smsc = encodeSmscAddress(opts.smsc, opts.smscToa);
  const recipient = encodeAddress(opts.recipient, { option: 'recipient', toa: opts.recipientToa, allowAlphanumeric: false });
  const reference = octetOption(opts.messageReference, 'messageReference');
  const status = octetOption(opts.status, 'status');
  const firstOctet =
    MTI_STATUS_REPORT | bitIf(!opts.moreMessagesToSend, BIT_MMS) | bitIf(opts.loopPrevention, BIT_LP) | bitIf(opts.reportFor === 'command', BIT_SR);
  return assemble(
    smsc,
    Buffer.concat([
      Buffer.from([firstOctet, reference]),
      recipient,
      encodeTimestamp(opts.scTimestamp, 'scTimestamp'),
      encodeTimestamp(opts.dischargeTime, 'dischargeTime'),
      Buffer.from([status]),
      optionalTail(opts),
    ]),
  );
}
