// Error codes of 27.005 3.2.5 (+CMS ERROR) and 27.007 9.2 (+CME ERROR), and what each means for a message
// being sent. The rule: permanent only when the message itself (recipient, content) is at fault and a
// retry would meet the same answer; anything about the modem, the SIM or the network is temporary, since
// the same message will go through once that is fixed; congestion pauses the modem (throttled).
import { describeFinal, type FinalResult } from './classify.ts';

export type Verdict = 'permanent' | 'temporary' | 'throttled';

interface CodeInfo {
  text: string;
  verdict: Verdict;
}

const p = (text: string): CodeInfo => ({ text, verdict: 'permanent' });
const t = (text: string): CodeInfo => ({ text, verdict: 'temporary' });
const th = (text: string): CodeInfo => ({ text, verdict: 'throttled' });

/**
 * 0-127 are RP-cause values (24.011 E.2), 128-255 TP-FCS values (23.040 9.2.3.22), 300-500 ME/TA errors
 * (27.005 3.2.5), 512+ manufacturer specific (temporary: we cannot know better).
 */
export const CMS_ERRORS: ReadonlyMap<number, CodeInfo> = new Map([
  [1, p('unassigned (unallocated) number')],
  [8, p('operator determined barring')],
  [10, p('call barred')],
  [17, t('network failure')],
  [21, p('short message transfer rejected')],
  [22, t('memory capacity exceeded')],
  [27, t('destination out of service')],
  [28, p('unidentified subscriber')],
  [29, p('facility rejected')],
  [30, p('unknown subscriber')],
  [38, t('network out of order')],
  [41, t('temporary failure')],
  [42, th('congestion')],
  [47, t('resources unavailable, unspecified')],
  [50, p('requested facility not subscribed')],
  [69, p('requested facility not implemented')],
  [81, t('invalid short message transfer reference value')],
  [95, p('invalid message, unspecified')],
  [96, p('invalid mandatory information')],
  [97, p('message type non-existent or not implemented')],
  [98, t('message not compatible with short message protocol state')],
  [99, p('information element non-existent or not implemented')],
  [111, t('protocol error, unspecified')],
  [127, t('interworking, unspecified')],
  [128, p('telematic interworking not supported')],
  [129, p('short message type 0 not supported')],
  [130, p('cannot replace short message')],
  [143, p('unspecified TP-PID error')],
  [144, p('data coding scheme (alphabet) not supported')],
  [145, p('message class not supported')],
  [159, p('unspecified TP-DCS error')],
  [160, p('command cannot be actioned')],
  [161, p('command unsupported')],
  [175, p('unspecified TP-Command error')],
  [176, p('TPDU not supported')],
  [192, th('SC busy')],
  [193, p('no SC subscription')],
  [194, t('SC system failure')],
  [195, p('invalid SME address')],
  [196, p('destination SME barred')],
  [197, p('SM rejected: duplicate SM')],
  [198, p('TP-VPF not supported')],
  [199, p('TP-VP not supported')],
  [208, t('SIM SMS storage full')],
  [209, t('no SMS storage capability in SIM')],
  [210, t('error in MS')],
  [211, t('memory capacity exceeded')],
  [212, t('SIM Application Toolkit busy')],
  [213, t('SIM data download error')],
  [255, t('unspecified error cause')],
  [300, t('ME failure')],
  [301, t('SMS service of ME reserved')],
  [302, t('operation not allowed')],
  [303, t('operation not supported')],
  [304, p('invalid PDU mode parameter')],
  [305, p('invalid text mode parameter')],
  [310, t('SIM not inserted')],
  [311, t('SIM PIN required')],
  [312, t('PH-SIM PIN required')],
  [313, t('SIM failure')],
  [314, t('SIM busy')],
  [315, t('SIM wrong')],
  [316, t('SIM PUK required')],
  [317, t('SIM PIN2 required')],
  [318, t('SIM PUK2 required')],
  [320, t('memory failure')],
  [321, t('invalid memory index')],
  [322, t('memory full')],
  [330, t('SMSC address unknown')],
  [331, t('no network service')],
  [332, t('network timeout')],
  [340, t('no +CNMA acknowledgement expected')],
  [500, t('unknown error')],
]);

export const CME_ERRORS: ReadonlyMap<number, CodeInfo> = new Map([
  [0, t('phone failure')],
  [1, t('no connection to phone')],
  [2, t('phone-adaptor link reserved')],
  [3, t('operation not allowed')],
  [4, t('operation not supported')],
  [5, t('PH-SIM PIN required')],
  [6, t('PH-FSIM PIN required')],
  [7, t('PH-FSIM PUK required')],
  [10, t('SIM not inserted')],
  [11, t('SIM PIN required')],
  [12, t('SIM PUK required')],
  [13, t('SIM failure')],
  [14, t('SIM busy')],
  [15, t('SIM wrong')],
  [16, t('incorrect password')],
  [17, t('SIM PIN2 required')],
  [18, t('SIM PUK2 required')],
  [20, t('memory full')],
  [21, t('invalid index')],
  [22, t('not found')],
  [23, t('memory failure')],
  [24, p('text string too long')],
  [25, p('invalid characters in text string')],
  [26, p('dial string too long')],
  [27, p('invalid characters in dial string')],
  [30, t('no network service')],
  [31, t('network timeout')],
  [32, t('network not allowed - emergency calls only')],
  [40, t('network personalization PIN required')],
  [41, t('network personalization PUK required')],
  [42, t('network subset personalization PIN required')],
  [43, t('network subset personalization PUK required')],
  [44, t('service provider personalization PIN required')],
  [45, t('service provider personalization PUK required')],
  [46, t('corporate personalization PIN required')],
  [47, t('corporate personalization PUK required')],
  [50, p('incorrect parameters')],
  [100, t('unknown')],
  [103, t('illegal MS')],
  [106, t('illegal ME')],
  [107, t('GPRS services not allowed')],
  [111, t('PLMN not allowed')],
  [112, t('location area not allowed')],
  [113, t('roaming not allowed in this location area')],
]);

function lookup(table: ReadonlyMap<number, CodeInfo>, code: number | undefined, text: string | undefined): CodeInfo | undefined {
  if (code !== undefined) return table.get(code);
  if (!text) return undefined;
  // CMEE=2 firmware says the words instead of the number: find the code with those words.
  const wanted = text.toLowerCase();
  for (const info of table.values()) if (info.text.toLowerCase() === wanted) return info;
  return undefined;
}

/** The code's meaning from the tables, for logs and the connection's status. */
export function explain(f: FinalResult): string {
  if (f.kind === 'ok') return 'OK';
  if (f.type === 'CMS' || f.type === 'CME') {
    const info = lookup(f.type === 'CMS' ? CMS_ERRORS : CME_ERRORS, f.code, f.text);
    if (info && f.code !== undefined) return `${describeFinal(f)} (${info.text})`;
  }
  return describeFinal(f);
}

/** What a failed AT+CMGS means for the message. A bare ERROR says nothing about the message: temporary. */
export function sendVerdict(f: FinalResult): Verdict {
  if (f.kind === 'ok') return 'temporary';
  if (f.type === 'CMS') return lookup(CMS_ERRORS, f.code, f.text)?.verdict ?? 'temporary';
  if (f.type === 'CME') return lookup(CME_ERRORS, f.code, f.text)?.verdict ?? 'temporary';
  return 'temporary';
}

/** SIM busy (it is still reading its files after power-up or PIN entry): the command is worth repeating. */
export function isSimBusy(f: FinalResult): boolean {
  if (f.kind !== 'error') return false;
  if (f.type === 'CME') return f.code === 14 || f.text?.toLowerCase() === 'sim busy';
  if (f.type === 'CMS') return f.code === 314 || f.text?.toLowerCase() === 'sim busy';
  return false;
}

/** A wrong PIN (CME 16 "incorrect password"; some firmware says it as CMS, or only ERROR). */
export function isWrongPassword(f: FinalResult): boolean {
  if (f.kind !== 'error') return false;
  if (f.type === 'CME') return f.code === 16 || f.text?.toLowerCase() === 'incorrect password';
  return false;
}

/** A failed command: the final result and the information lines that came before it. */
export class AtCommandError extends Error {
  constructor(
    readonly command: string,
    readonly final: FinalResult,
    readonly lines: string[],
  ) {
    super(`${command}: ${explain(final)}`);
    this.name = 'AtCommandError';
  }
}

/** No final result within the command's time: the modem is stuck or the line is out of step. */
export class AtTimeoutError extends Error {
  constructor(
    readonly command: string,
    readonly ms: number,
    readonly stage: 'prompt' | 'final',
  ) {
    super(`${command}: no ${stage === 'prompt' ? '> prompt' : 'final result'} within ${ms} ms`);
    this.name = 'AtTimeoutError';
  }
}

/** The engine was closed or reset while the command waited or ran. */
export class AtClosedError extends Error {
  constructor(
    readonly command: string,
    reason: string,
  ) {
    super(`${command}: ${reason}`);
    this.name = 'AtClosedError';
  }
}
