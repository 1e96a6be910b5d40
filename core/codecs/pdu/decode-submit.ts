// SMS-SUBMIT (23.040 §9.2.2.2): what we send, and what a modem lists among its sent messages.
import { readAddress } from './address.ts';
import { decodeDcs } from './dcs.ts';
import { BIT_RD, BIT_RP, BIT_SR, BIT_UDHI, VPF_SHIFT, flag } from './first-octet.ts';
import type { Leniency } from './leniency.ts';
import type { PduReader } from './reader.ts';
import type { DecodedSubmit, TpduHead } from './types.ts';
import { readUserData } from './user-data.ts';
import { readValidity } from './validity.ts';

export function readSubmit(reader: PduReader, head: TpduHead, leniency: Leniency): DecodedSubmit {
  const fo = head.firstOctet;
  const messageReference = reader.octet('TP-MR');
  const destination = readAddress(reader, 'TP-DA');
  const protocolId = reader.octet('TP-PID');
  const dcs = decodeDcs(reader.octet('TP-DCS'));
  const validity = readValidity(reader, (fo >> VPF_SHIFT) & 0x03);
  const userData = readUserData(reader, dcs, flag(fo, BIT_UDHI), leniency);
  return {
    type: 'submit',
    ...head,
    messageReference,
    destination,
    protocolId,
    dcs,
    ...(validity ? { validity } : {}),
    rejectDuplicates: flag(fo, BIT_RD),
    statusReportRequest: flag(fo, BIT_SR),
    replyPath: flag(fo, BIT_RP),
    ...userData,
  };
}
