// SMS-STATUS-REPORT (23.040 §9.2.2.3): the SC's word on a message we submitted with TP-SRR.
import { readAddress } from './address.ts';
import { decodeDcs } from './dcs.ts';
import { BIT_LP, BIT_MMS, BIT_SR, BIT_UDHI, flag } from './first-octet.ts';
import { hexOctet } from './hex.ts';
import type { Leniency } from './leniency.ts';
import type { PduReader } from './reader.ts';
import { statusClass } from './status.ts';
import { readTimestamp } from './timestamp.ts';
import type { DecodedStatusReport, TpduHead } from './types.ts';
import { readUserData } from './user-data.ts';

// TP-PI (§9.2.3.27): which optional fields follow TP-ST; bit 7 announces another TP-PI octet.
const PI_PID = 0x01;
const PI_DCS = 0x02;
const PI_UDL = 0x04;
const PI_EXTENSION = 0x80;

export function readStatusReport(reader: PduReader, head: TpduHead, leniency: Leniency): DecodedStatusReport {
  const fo = head.firstOctet;
  const messageReference = reader.octet('TP-MR');
  const recipient = readAddress(reader, 'TP-RA');
  const scTimestamp = readTimestamp(reader, 'TP-SCTS');
  const dischargeTime = readTimestamp(reader, 'TP-DT');
  const status = reader.octet('TP-ST');
  const report: DecodedStatusReport = {
    type: 'status-report',
    ...head,
    messageReference,
    recipient,
    scTimestamp,
    dischargeTime,
    status,
    statusClass: statusClass(status),
    reportFor: flag(fo, BIT_SR) ? 'command' : 'submit',
    moreMessagesToSend: !flag(fo, BIT_MMS),
    loopPrevention: flag(fo, BIT_LP),
  };
  // Everything after TP-ST is optional and only announced by TP-PI.
  if (reader.remaining === 0) return report;
  const parameterIndicator = reader.octet('TP-PI');
  for (let more = parameterIndicator; more & PI_EXTENSION;) more = reader.octet('TP-PI extension');
  const protocolId = parameterIndicator & PI_PID ? reader.octet('TP-PID') : undefined;
  const dcs = parameterIndicator & PI_DCS ? decodeDcs(reader.octet('TP-DCS')) : undefined;
  const optional = { parameterIndicator, ...(protocolId === undefined ? {} : { protocolId }), ...(dcs ? { dcs } : {}) };
  if (parameterIndicator & PI_UDL) {
    // Without TP-DCS the user data is in the default coding, 0x00.
    return { ...report, ...optional, ...readUserData(reader, dcs ?? decodeDcs(0), flag(fo, BIT_UDHI), leniency) };
  }
  if (reader.remaining > 0) {
    leniency.problem(`${reader.remaining} octets follow at offset ${reader.offset} that TP-PI (${hexOctet(parameterIndicator)}) does not announce`, {
      field: 'TP-PI',
      offset: reader.offset,
    });
    reader.rest();
  }
  return { ...report, ...optional };
}
