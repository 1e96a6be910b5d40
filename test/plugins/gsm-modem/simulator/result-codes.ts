// Final result codes: V.250 §5.7 (basic), 27.007 §9.2 (+CME ERROR) and 27.005 §3.2.5 (+CMS ERROR).

export type Final = { kind: 'ok' } | { kind: 'error' } | { kind: 'cme'; code: number } | { kind: 'cms'; code: number };

export const OK: Final = { kind: 'ok' };
export const ERROR: Final = { kind: 'error' };
export const cme = (code: number): Final => ({ kind: 'cme', code });
export const cms = (code: number): Final => ({ kind: 'cms', code });

/** V.250 Table 1: the numeric forms that ATV0 selects. */
export const NUMERIC_RESULT: Record<string, number> = { OK: 0, CONNECT: 1, RING: 2, 'NO CARRIER': 3, ERROR: 4, 'NO DIALTONE': 6, BUSY: 7, 'NO ANSWER': 8 };

// The codes this simulator can produce, named so call sites read like the spec tables.
export const CME = {
  phoneFailure: 0,
  operationNotAllowed: 3,
  operationNotSupported: 4,
  simPinRequired: 11,
  simPukRequired: 12,
  simFailure: 13,
  incorrectPassword: 16,
  noNetworkService: 30,
  unknown: 100,
} as const;

export const CMS = {
  operationNotAllowed: 302,
  operationNotSupported: 303,
  invalidPduParameter: 304,
  invalidTextParameter: 305,
  simPinRequired: 311,
  simFailure: 313,
  simPukRequired: 316,
  invalidIndex: 321,
  memoryFull: 322,
  smscUnknown: 330,
  noNetworkService: 331,
  noAckExpected: 340,
  unknown: 500,
} as const;

// 27.007 §9.2.1 verbose texts, used when +CMEE=2.
const CME_TEXT: Record<number, string> = {
  0: 'phone failure',
  1: 'no connection to phone',
  2: 'phone-adaptor link reserved',
  3: 'operation not allowed',
  4: 'operation not supported',
  5: 'PH-SIM PIN required',
  10: 'SIM not inserted',
  11: 'SIM PIN required',
  12: 'SIM PUK required',
  13: 'SIM failure',
  14: 'SIM busy',
  15: 'SIM wrong',
  16: 'incorrect password',
  17: 'SIM PIN2 required',
  18: 'SIM PUK2 required',
  20: 'memory full',
  21: 'invalid index',
  22: 'not found',
  23: 'memory failure',
  24: 'text string too long',
  25: 'invalid characters in text string',
  30: 'no network service',
  31: 'network timeout',
  32: 'network not allowed - emergency calls only',
  100: 'unknown',
};

// 27.005 §3.2.5 defines only numbers; these texts are what common modems print with +CMEE=2.
const CMS_TEXT: Record<number, string> = {
  300: 'ME failure',
  301: 'SMS service of ME reserved',
  302: 'operation not allowed',
  303: 'operation not supported',
  304: 'invalid PDU mode parameter',
  305: 'invalid text mode parameter',
  310: 'SIM not inserted',
  311: 'SIM PIN required',
  312: 'PH-SIM PIN required',
  313: 'SIM failure',
  314: 'SIM busy',
  315: 'SIM wrong',
  316: 'SIM PUK required',
  317: 'SIM PIN2 required',
  318: 'SIM PUK2 required',
  320: 'memory failure',
  321: 'invalid memory index',
  322: 'memory full',
  330: 'SMSC address unknown',
  331: 'no network service',
  332: 'network timeout',
  340: 'no +CNMA acknowledgement expected',
  500: 'unknown error',
};

/** The text after "+CME ERROR: " or "+CMS ERROR: "; codes without a known text stay numeric. */
export function errorDetail(final: Final & { code: number }, verbose: boolean): string {
  if (!verbose) return String(final.code);
  const table = final.kind === 'cme' ? CME_TEXT : CMS_TEXT;
  return table[final.code] ?? String(final.code);
}
