// SMS-DELIVER (23.040 §9.2.2.1): what a modem hands over for a received message.
import { readAddress } from './address.ts';
import { decodeDcs } from './dcs.ts';
import { BIT_LP, BIT_MMS, BIT_RP, BIT_SR, BIT_UDHI, flag } from './first-octet.ts';
import type { Leniency } from './leniency.ts';
import type { PduReader } from './reader.ts';
import { readTimestamp } from './timestamp.ts';
import type { DecodedDeliver, TpduHead } from './types.ts';
import { readUserData } from './user-data.ts';

export function readDeliver(reader: PduReader, head: TpduHead, leniency: Leniency): DecodedDeliver {
  const fo = head.firstOctet;
  const originator = readAddress(reader, 'TP-OA');
  const protocolId = reader.octet('TP-PID');
  const dcs = decodeDcs(reader.octet('TP-DCS'));
  const serviceCentreTimestamp = readTimestamp(reader, 'TP-SCTS');
  const userData = readUserData(reader, dcs, flag(fo, BIT_UDHI), leniency);
  return {
    type: 'deliver',
    ...head,
    originator,
    protocolId,
    dcs,
    serviceCentreTimestamp,
    moreMessagesToSend: !flag(fo, BIT_MMS),
    loopPrevention: flag(fo, BIT_LP),
    statusReportIndication: flag(fo, BIT_SR),
    replyPath: flag(fo, BIT_RP),
    ...userData,
  };
}
