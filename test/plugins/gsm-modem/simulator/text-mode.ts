// Text mode (+CMGF=1, 27.005 §3.1, §3.4.1, §4): headers with quoted addresses and "yy/MM/dd,hh:mm:ss±zz"
// times, and the message text in the TE character set, or as hex when the data coding is 8-bit or
// UCS2 or a user data header is present. In PDU mode the same messages are just <length> and hex.
import {
  decodePdu,
  type DecodedDeliver,
  type DecodedPdu,
  type DecodedStatusReport,
  type DecodedSubmit,
  type PduAddress,
  type SmsTimestamp,
} from '../../../../core/codecs/pdu/index.ts';
import { toTe } from './charset.ts';
import type { Modem } from './modem.ts';
import type { Incoming } from './routing.ts';
import type { Settings } from './settings.ts';
import { STATUS_TEXT, type StoredMessage } from './storage.ts';

const pad = (n: number): string => String(n).padStart(2, '0');

/** The local time the SC wrote, its zone in quarter hours (27.005 §3.1 <scts>). */
export function textTimestamp(ts: SmsTimestamp): string {
  const local = new Date(ts.date.getTime() + ts.tzMinutes * 60_000);
  const q = Math.round(ts.tzMinutes / 15);
  const date = `${pad(local.getUTCFullYear() % 100)}/${pad(local.getUTCMonth() + 1)}/${pad(local.getUTCDate())}`;
  const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  return `${date},${time}${q < 0 ? '-' : '+'}${pad(Math.abs(q))}`;
}

function quoted(s: string, cscs: string): string {
  return `"${toTe(s, cscs)}"`;
}

function address(a: PduAddress | undefined, cscs: string): string {
  return a ? quoted(a.number, cscs) : '""';
}

/** The TPDU's user data octets as carried, header included, for the hex forms of <data>. */
function rawUserData(pdu: string, d: DecodedDeliver | DecodedSubmit): Buffer {
  const bytes = Buffer.from(pdu, 'hex');
  const headerOctets = d.udh?.raw.length ?? 0;
  const octets = d.dcs.encoding === 'gsm7' ? Math.ceil(((Math.ceil((headerOctets * 8) / 7) + d.data.length) * 7) / 8) : headerOctets + d.data.length;
  return bytes.subarray(bytes.length - octets);
}

function data(pdu: string, d: DecodedDeliver | DecodedSubmit, cscs: string): { text: string; length: number } {
  if (d.dcs.encoding === 'gsm7' && !d.udh && d.text !== undefined) return { text: toTe(d.text, cscs), length: d.text.length };
  const ud = d.udh || d.dcs.encoding === 'gsm7' ? rawUserData(pdu, d) : d.data;
  return { text: ud.toString('hex').toUpperCase(), length: ud.length };
}

function details(pdu: string, d: DecodedDeliver | DecodedSubmit, s: Settings, party: PduAddress): string {
  if (s.csdh === 0) return '';
  const sca = d.smsc ? `${quoted(d.smsc.number, s.cscs)},${d.smsc.toa}` : '"",129';
  const vp = d.type === 'submit' ? (d.validity?.format === 'relative' ? `${d.validity.raw},` : ',') : '';
  return `,${party.toa},${d.firstOctet},${d.protocolId},${d.dcs.raw},${vp}${sca},${data(pdu, d, s.cscs).length}`;
}

function reportFields(d: DecodedStatusReport, s: Settings): string {
  return `${d.firstOctet},${d.messageReference},${address(d.recipient, s.cscs)},${d.recipient.toa},"${textTimestamp(d.scTimestamp)}","${textTimestamp(d.dischargeTime)}",${d.status}`;
}

function decodeStored(m: Pick<StoredMessage, 'kind' | 'pdu'>): DecodedPdu {
  return decodePdu(m.pdu, { direction: m.kind === 'submit' ? 'mo' : 'mt', lenient: true });
}

/** +CMGR in text mode: the header and, except for status reports, the text line. */
export function textCmgr(m: StoredMessage, s: Settings): string[] {
  const d = decodeStored(m);
  const stat = `"${STATUS_TEXT[m.status]}"`;
  if (d.type === 'status-report') return [`+CMGR: ${stat},${reportFields(d, s)}`];
  if (d.type === 'deliver') {
    return [
      `+CMGR: ${stat},${address(d.originator, s.cscs)},,"${textTimestamp(d.serviceCentreTimestamp)}"${details(m.pdu, d, s, d.originator)}`,
      data(m.pdu, d, s.cscs).text,
    ];
  }
  return [`+CMGR: ${stat},${address(d.destination, s.cscs)},${details(m.pdu, d, s, d.destination)}`, data(m.pdu, d, s.cscs).text];
}

/** One +CMGL entry in text mode. */
export function textCmgl(m: StoredMessage, s: Settings): string[] {
  const d = decodeStored(m);
  const head = `+CMGL: ${m.index},"${STATUS_TEXT[m.status]}"`;
  if (d.type === 'status-report') return [`${head},${reportFields(d, s)}`];
  const party = d.type === 'deliver' ? d.originator : d.destination;
  const scts = d.type === 'deliver' ? `"${textTimestamp(d.serviceCentreTimestamp)}"` : '';
  const body = data(m.pdu, d, s.cscs);
  const extra = s.csdh === 1 ? `,${party.toa},${body.length}` : '';
  return [`${head},${address(party, s.cscs)},,${scts}${extra}`, body.text];
}

/** +CMT or +CDS, in whichever mode the TE chose. */
export function directIndication(modem: Modem, message: Incoming): string[] {
  const s = modem.settings;
  if (s.cmgf === 0) {
    return message.kind === 'deliver' ? [`+CMT: ,${message.tpduLength}`, message.pdu] : [`+CDS: ${message.tpduLength}`, message.pdu];
  }
  const d = decodeStored(message);
  if (d.type === 'status-report') return [`+CDS: ${reportFields(d, s)}`];
  if (d.type !== 'deliver') throw new Error('only SMS-DELIVER and SMS-STATUS-REPORT arrive from the network');
  return [
    `+CMT: ${address(d.originator, s.cscs)},,"${textTimestamp(d.serviceCentreTimestamp)}"${details(message.pdu, d, s, d.originator)}`,
    data(message.pdu, d, s.cscs).text,
  ];
}
