// Request parameters as a NowSMS or Kannel client sends them: any text, percent-encoded as browsers and
// curl do, comes back as it was; `+` is a space; a `%` that starts no escape is kept; bytes that are not
// text in the request's charset are a 400 naming the parameter.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kannelParams } from '../../../plugins/http/kannel.ts';
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

describe("Kannel's fields", () => {
  const octets = (b: Buffer) => [...b].map((x) => `%${x.toString(16).padStart(2, '0')}`).join('');
  const raw = (query: string, body?: Buffer, type = '', headers: Record<string, string> = {}) =>
    kannelParams({ method: body ? 'POST' : 'GET', query, body: body ?? Buffer.alloc(0), type, headers });

  it('gives back any text: UTF-8 by default, UTF-16BE octets with coding=2, in a named charset, or as the body of a POST', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme-ascii', minLength: 1 }), (text, password) => {
        const pw = encodeURIComponent(password);
        expect(raw(`username=app&password=${pw}&text=${octets(Buffer.from(text))}`).get('text')).toBe(text);
        const ucs2 = Buffer.from(text, 'utf16le').swap16();
        const p = raw(`username=app&password=${pw}&coding=2&text=${octets(ucs2)}`);
        expect([p.get('text'), p.get('password')]).toEqual([text, password]);
        // The charset is the text's alone: the other fields stay UTF-8.
        expect(raw(`username=app&password=${pw}&coding=2&charset=UTF-16BE&text=${octets(ucs2)}`).get('password')).toBe(password);
        const posted = raw('', Buffer.from(text), 'text/plain; charset=utf-8', { 'x-kannel-username': 'app', 'x-kannel-to': '447700900123' });
        expect([posted.get('text'), posted.get('username'), posted.get('to')]).toEqual([text, 'app', '447700900123']);
      }),
    );
  });

  it('keeps udh and 8-bit text as octets, from the query or a POST (X-Kannel-UDH in hex)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 140 }), (data) => {
        const bytes = Buffer.from(data);
        const q = raw(`coding=1&udh=%06%05%04%0b%84%23%f0&text=${octets(bytes)}`);
        expect(Buffer.from(q.get('text')!, 'latin1').equals(bytes)).toBe(true);
        expect(Buffer.from(q.get('udh')!, 'latin1').toString('hex')).toBe('0605040b8423f0');
        const posted = raw('', bytes, 'application/octet-stream', { 'x-kannel-udh': '0605040B8423F0' });
        expect(Buffer.from(posted.get('text')!, 'latin1').equals(bytes)).toBe(true);
        expect([posted.get('coding'), Buffer.from(posted.get('udh')!, 'latin1').toString('hex')]).toEqual(['1', '0605040b8423f0']);
      }),
    );
  });

  it('refuses text that is not valid in its charset, and a body Kannel does not take', () => {
    expect(() => raw('coding=2&text=%04')).toThrow(/parameter text is not valid utf-16be/);
    expect(() => raw('text=caf%E9')).toThrow(/parameter text is not valid utf-8/);
    expect(() => raw('', Buffer.from('{}'), 'application/json')).toThrow(/X-Kannel-\*/);
  });
});
