// How responses look on the line (V.250 §5.7.1): with V1, every information response and result
// code is <S3><S4>text<S3><S4>; with V0, information text ends in <S3><S4> and result codes are a
// number followed by <S3>.
import { errorDetail, NUMERIC_RESULT, type Final } from './result-codes.ts';
import type { Settings } from './settings.ts';

export function infoText(lines: readonly string[], s: Settings): string {
  const eol = String.fromCharCode(s.s3, s.s4);
  const body = lines.join(eol);
  return s.verbose ? `${eol}${body}${eol}` : `${body}${eol}`;
}

export function finalText(final: Final, s: Settings): string {
  if (s.quiet) return '';
  const eol = String.fromCharCode(s.s3, s.s4);
  switch (final.kind) {
    case 'ok':
    case 'error': {
      const word = final.kind === 'ok' ? 'OK' : 'ERROR';
      return s.verbose ? `${eol}${word}${eol}` : `${NUMERIC_RESULT[word]}${String.fromCharCode(s.s3)}`;
    }
    case 'cme':
      // +CMEE=0 turns MT errors into the plain ERROR (27.007 §9.1).
      if (s.cmee === 0) return finalText({ kind: 'error' }, s);
      return infoText([`+CME ERROR: ${errorDetail(final, s.cmee === 2)}`], s);
    case 'cms':
      return infoText([`+CMS ERROR: ${errorDetail(final, s.cmee === 2)}`], s);
  }
}

/** 27.005 §3.5.1: the four characters <CR><LF><greater_than><space>, whatever V says. */
export const PROMPT = '\r\n> ';
