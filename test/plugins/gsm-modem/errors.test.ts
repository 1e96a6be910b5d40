// The +CMS/+CME tables and what they mean for a message being sent.
import { describe, expect, it } from 'vitest';
import { finalResult } from '../../../plugins/gsm-modem/at/classify.ts';
import { CME_ERRORS, CMS_ERRORS, explain, isSimBusy, isWrongPassword, sendVerdict } from '../../../plugins/gsm-modem/at/errors.ts';

const verdict = (line: string) => sendVerdict(finalResult(line)!);

describe('final results', () => {
  it.each([
    ['OK', { kind: 'ok' }],
    ['ERROR', { kind: 'error', type: 'ERROR' }],
    ['+CMS ERROR: 330', { kind: 'error', type: 'CMS', code: 330 }],
    ['+CME ERROR: 16', { kind: 'error', type: 'CME', code: 16 }],
    ['+CME ERROR: SIM busy', { kind: 'error', type: 'CME', text: 'SIM busy' }],
    ['+CMS ERROR:500', { kind: 'error', type: 'CMS', code: 500 }],
    ['COMMAND NOT SUPPORT', { kind: 'error', type: 'COMMAND NOT SUPPORT' }],
  ])('%s', (line, expected) => {
    expect(finalResult(line)).toEqual(expected);
  });

  it('takes call results as final only for dial commands', () => {
    expect(finalResult('NO CARRIER')).toBeUndefined();
    expect(finalResult('NO CARRIER', true)).toEqual({ kind: 'error', type: 'NO CARRIER' });
    expect(finalResult('+CMTI: "SM",1')).toBeUndefined();
  });
});

describe('send verdicts', () => {
  it('fails for good only what the message itself causes', () => {
    for (const code of [1, 8, 10, 21, 28, 29, 30, 50, 96, 144, 195, 196, 304]) expect(verdict(`+CMS ERROR: ${code}`), `CMS ${code}`).toBe('permanent');
    for (const code of [24, 25, 26, 27, 50]) expect(verdict(`+CME ERROR: ${code}`), `CME ${code}`).toBe('permanent');
  });

  it('retries what the modem, the SIM or the network causes', () => {
    for (const code of [27, 38, 41, 47, 300, 302, 310, 314, 322, 330, 331, 332, 500, 512, 999])
      expect(verdict(`+CMS ERROR: ${code}`), `CMS ${code}`).toBe('temporary');
    for (const code of [0, 3, 4, 10, 14, 30, 31, 100]) expect(verdict(`+CME ERROR: ${code}`), `CME ${code}`).toBe('temporary');
    expect(verdict('ERROR')).toBe('temporary');
  });

  it('pauses on congestion', () => {
    expect(verdict('+CMS ERROR: 42')).toBe('throttled');
    expect(verdict('+CMS ERROR: 192')).toBe('throttled');
  });

  it('reads the words of CMEE=2 firmware', () => {
    expect(verdict('+CMS ERROR: unassigned (unallocated) number')).toBe('permanent');
    expect(isSimBusy(finalResult('+CME ERROR: SIM busy')!)).toBe(true);
    expect(isWrongPassword(finalResult('+CME ERROR: incorrect password')!)).toBe(true);
  });

  it('explains codes for the operator', () => {
    expect(explain(finalResult('+CMS ERROR: 330')!)).toBe('+CMS ERROR: 330 (SMSC address unknown)');
    expect(explain(finalResult('+CME ERROR: 16')!)).toBe('+CME ERROR: 16 (incorrect password)');
    expect(explain(finalResult('+CMS ERROR: 777')!)).toBe('+CMS ERROR: 777');
  });

  it('has every range of 27.005 3.2.5 and the 27.007 9.2 basics', () => {
    expect([...CMS_ERRORS.keys()].some((c) => c < 128)).toBe(true);
    expect([...CMS_ERRORS.keys()].some((c) => c >= 128 && c < 256)).toBe(true);
    expect([...CMS_ERRORS.keys()].some((c) => c >= 300)).toBe(true);
    for (const c of [0, 3, 4, 10, 11, 12, 13, 14, 16, 30]) expect(CME_ERRORS.has(c)).toBe(true);
  });
});
