// Text mode turns a typed text into an SMS-SUBMIT with the +CSMP parameters (27.005 §3.3.2, §3.5.1):
// <fo> for the status report request and validity format, <vp>, <pid>, and <dcs> for the alphabet;
// with an 8-bit or UCS2 <dcs> the text is typed as hex.
import { decodeDcs, decodePdu, encodeSubmit, isPduError, relativeMinutes, type DecodedSubmit } from '../../../../core/codecs/pdu/index.ts';
import { fromTe } from './charset.ts';
import { CMS, cms, type Final } from './result-codes.ts';
import type { Settings } from './settings.ts';
import type { Submission } from './commands/submit.ts';

const VPF_RELATIVE = 0x10;
const SRR = 0x20;

export function textSubmission(da: string, toda: number | undefined, typed: string, s: Settings): Submission | Final {
  const { fo, vp, pid, dcs } = s.csmp;
  const coding = decodeDcs(dcs);
  let content: { text: string } | { data: Buffer };
  if (coding.encoding === 'gsm7') {
    content = { text: fromTe(typed, s.cscs) };
  } else {
    if (!/^([0-9a-fA-F]{2})*$/.test(typed)) return cms(CMS.invalidTextParameter);
    const octets = Buffer.from(typed, 'hex');
    if (coding.encoding === 'ucs2' && octets.length % 2 !== 0) return cms(CMS.invalidTextParameter);
    content = coding.encoding === 'ucs2' ? { text: octets.swap16().toString('utf16le') } : { data: octets };
  }
  try {
    const parts = encodeSubmit({
      to: da,
      ...(toda === undefined ? {} : { toa: toda }),
      ...content,
      encoding: coding.encoding,
      protocolId: pid,
      statusReport: (fo & SRR) !== 0,
      ...((fo & 0x18) === VPF_RELATIVE ? { validityMinutes: relativeMinutes(vp) } : {}),
      ...(coding.messageClass === undefined ? {} : { messageClass: coding.messageClass }),
    });
    // One command sends one message: text that needs concatenation is the TE's to split.
    if (parts.length !== 1) return cms(CMS.invalidTextParameter);
    const { pdu, tpduLength } = parts[0]!;
    return { pdu, tpduLength, hasSmsc: false, decoded: decodePdu(pdu, { direction: 'mo' }) as DecodedSubmit };
  } catch (e) {
    if (isPduError(e)) return cms(CMS.invalidTextParameter);
    throw e;
  }
}
