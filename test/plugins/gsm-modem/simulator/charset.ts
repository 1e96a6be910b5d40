// The TE character set of +CSCS (27.007 §5.5), which text mode uses for message text and for
// address strings: IRA (ASCII), GSM (the 23.038 default alphabet, one septet per byte), 8859-1,
// and UCS2 (four hex digits per UTF-16 unit).
import { decodeGsm7, encodeGsm7, isGsm7 } from '../../../../core/codecs/index.ts';
import { decodeUcs2, encodeUcs2 } from '../../../../core/codecs/ucs2.ts';
import { ParamError } from './params.ts';

export const CHARSETS = ['IRA', 'GSM', 'UCS2', '8859-1'] as const;

export function toTe(text: string, cscs: string): string {
  switch (cscs) {
    case 'UCS2':
      return encodeUcs2(text).toString('hex').toUpperCase();
    case 'GSM':
      return String.fromCharCode(...[...text].flatMap((ch) => (isGsm7(ch) ? encodeGsm7(ch) : encodeGsm7('?'))));
    case '8859-1':
      return limitTo(text, 0xff);
    default:
      return limitTo(text, 0x7f);
  }
}

export function fromTe(s: string, cscs: string): string {
  switch (cscs) {
    case 'UCS2':
      if (!/^([0-9a-fA-F]{4})*$/.test(s)) throw new ParamError('UCS2 strings are hex, four digits per character');
      return decodeUcs2(Buffer.from(s, 'hex'));
    case 'GSM':
      return decodeGsm7([...s].map((ch) => ch.charCodeAt(0) & 0x7f));
    default:
      return s;
  }
}

function limitTo(text: string, max: number): string {
  return [...text].map((ch) => (ch.codePointAt(0)! > max ? '?' : ch)).join('');
}
