// Request parameters as a NowSMS or Kannel client sends them: any text, percent-encoded as browsers and
// curl do, comes back as it was; `+` is a space; a `%` that starts no escape is kept; bytes that are not
// text in the request's charset are a 400 naming the parameter.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseUrlEncoded } from '../../../plugins/http/params.ts';

describe('urlencoded parameters', () => {
  it('gives back any text encoded with encodeURIComponent, names case-insensitive', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (text, sender) => {
        const p = parseUrlEncoded(`PhoneNumber=%2B447700900123&Text=${encodeURIComponent(text)}&sender=${encodeURIComponent(sender)}`);
        expect(p.get('text')).toBe(text);
        expect(p.get('Sender')).toBe(sender);
        expect(p.get('phonenumber')).toBe('+447700900123');
      }),
    );
  });

  it('reads + as a space and %2B as a plus, and keeps a % that starts no escape', () => {
    const p = parseUrlEncoded('Text=a+b%2Bc+100%+%zz+%4&X=%');
    expect(p.get('Text')).toBe('a b+c 100% %zz %4');
    expect(p.get('x')).toBe('%');
  });

  it('decodes in the named charset, and refuses bytes that are not text in it', () => {
    expect(parseUrlEncoded('Text=caf%E9&charset=iso-8859-1').get('Text')).toBe('café');
    expect(() => parseUrlEncoded('Text=caf%E9')).toThrow(/parameter Text is not valid utf-8/);
  });
});
