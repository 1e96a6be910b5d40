// What a line from the modem is: the final result of the pending command, or something the modem says on
// its own. Which information lines belong to the pending command is the engine's call (it knows the
// command); this file holds the fixed vocabulary.
import { prefixOf } from './params.ts';

export type FinalResult =
  | { kind: 'ok' }
  | { kind: 'error'; type: 'ERROR' }
  /** 27.007 9.2: `+CME ERROR: <err>`, numeric with AT+CMEE=1, text with CMEE=2 (or from firmware that ignores CMEE). */
  | { kind: 'error'; type: 'CME'; code?: number; text?: string }
  /** 27.005 3.2.5: `+CMS ERROR: <err>`. */
  | { kind: 'error'; type: 'CMS'; code?: number; text?: string }
  /** V.250 call results, and firmware that says these instead of ERROR. */
  | { kind: 'error'; type: 'NO CARRIER' | 'BUSY' | 'NO ANSWER' | 'NO DIALTONE' | 'CONNECT' | 'COMMAND NOT SUPPORT' | 'TOO MANY PARAMETERS' };

const CALL_RESULTS = new Set(['NO CARRIER', 'BUSY', 'NO ANSWER', 'NO DIALTONE']);

/**
 * `dial` is true only for ATD/ATA: elsewhere NO CARRIER and friends are the end of somebody's call (a modem
 * reports the caller hanging up after RING), and taking them as the pending command's result would answer
 * an AT+CMGS with a hang-up.
 */
export function finalResult(line: string, dial = false): FinalResult | undefined {
  const upper = line.toUpperCase();
  if (upper === 'OK') return { kind: 'ok' };
  if (upper === 'ERROR') return { kind: 'error', type: 'ERROR' };
  if (upper === 'COMMAND NOT SUPPORT' || upper === 'TOO MANY PARAMETERS') return { kind: 'error', type: upper };
  const coded = /^\+CM([ES]) ERROR\s*:?\s*(.*)$/i.exec(line);
  if (coded) {
    const type = coded[1]!.toUpperCase() === 'E' ? 'CME' : 'CMS';
    const value = coded[2]!.trim();
    return /^\d+$/.test(value) ? { kind: 'error', type, code: Number(value) } : { kind: 'error', type, ...(value ? { text: value } : {}) };
  }
  if (dial && (CALL_RESULTS.has(upper) || upper.startsWith('CONNECT')))
    return { kind: 'error', type: upper.startsWith('CONNECT') ? 'CONNECT' : (upper as 'BUSY') };
  return undefined;
}

export function describeFinal(f: FinalResult): string {
  if (f.kind === 'ok') return 'OK';
  if (f.type === 'CME' || f.type === 'CMS') return `+${f.type} ERROR: ${f.code ?? f.text ?? ''}`.trim();
  return f.type;
}

/**
 * Unsolicited codes with no `+X:` prefix. Anything with a prefix the pending command does not produce is
 * unsolicited anyway; these bare words need listing because they would otherwise pass for data lines.
 */
const BARE_UNSOLICITED = new Set([
  'RING',
  'RDY',
  'CALL READY',
  'SMS READY',
  'SMS DONE',
  'PB DONE',
  'NORMAL POWER DOWN',
  'POWERED DOWN',
  'UNDER-VOLTAGE POWER DOWN',
  'UNDER-VOLTAGE WARNNING',
  'OVER-VOLTAGE POWER DOWN',
  'OVER-VOLTAGE WARNNING',
  'NO CARRIER',
  'BUSY',
  'NO ANSWER',
  'NO DIALTONE',
]);

export function isBareUnsolicited(line: string): boolean {
  return BARE_UNSOLICITED.has(line.toUpperCase());
}

/** Lines that say the modem (re)booted and forgot its settings: re-initialise when they come unasked. */
export function isRestartIndication(line: string): boolean {
  const upper = line.toUpperCase();
  return upper === 'RDY' || upper === '^SYSSTART' || upper.startsWith('^SYSSTART ') || upper === '+CFUN: 1' || upper === 'NORMAL POWER DOWN';
}

/** Unsolicited codes whose payload is the next line (27.005 3.4.1): `+CMT: [<alpha>],<length>` and `+CDS: <length>`. */
export function isTwoLineUnsolicited(line: string): boolean {
  const p = prefixOf(line);
  return p === '+CMT' || p === '+CDS' || p === '+CBM';
}

/** An echo of what we wrote (before ATE0 took effect, or after the modem rebooted into echo on). */
export function isEcho(line: string, lastWritten: string | undefined): boolean {
  return lastWritten !== undefined && line.toUpperCase() === lastWritten.toUpperCase();
}
