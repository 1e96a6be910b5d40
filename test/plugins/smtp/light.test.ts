// The light path for plain-text mail must give exactly what mailparser gives: text, subject and Message-ID
// of many varied mails are compared between the two, and what the gateway builds from them (parseMail, the
// SMS text) too. A mail the light path does not take must still come out as mailparser reads it.
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { smsText } from '../../../plugins/smtp/content.ts';
import { lightMail } from '../../../plugins/smtp/light.ts';
import { fullParse, parseMail } from '../../../plugins/smtp/parse.ts';

const opts = { stripQuotes: true, stripSignatures: true };
const PARSER_OPTIONS = { keepCidLinks: true, skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true, checksumAlgo: false } as const;

async function mailparser(raw: Buffer) {
  const m = await simpleParser(raw, PARSER_OPTIONS);
  return { text: m.text, subject: m.subject, messageId: m.messageId };
}

/** The light path's reading, or undefined when it hands the mail to mailparser; checked against mailparser. */
async function compare(raw: Buffer): Promise<boolean> {
  const light = lightMail(raw);
  if (light) expect(light, raw.toString('latin1')).toEqual(await mailparser(raw));
  // What the gateway makes of the mail is the same either way, read whole or in small chunks.
  const chunks = Array.from({ length: Math.ceil(raw.length / 7) }, (_, i) => raw.subarray(i * 7, i * 7 + 7));
  expect(await parseMail(Readable.from(chunks), opts)).toEqual(await fullParse(raw, opts));
  return light !== undefined;
}

const crlf = (lines: string[]) => Buffer.from(lines.join('\r\n'), 'latin1');
const utf8 = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
const b64 = (s: string, enc: BufferEncoding = 'utf8') => Buffer.from(s, enc).toString('base64');

describe('light path: the same as mailparser', () => {
  it('takes the common plain-text mails and reads them as mailparser does', async () => {
    const mails: Buffer[] = [
      // The bench's mail, and what msmtp or a script sends.
      crlf([
        'From: Alice <alice@example.com>',
        'To: <15550001111@sms.localhost>',
        'Subject: bench 1',
        'Message-ID: <b-1@x>',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: 7bit',
        '',
        'Benchmark message 1.',
        '',
      ]),
      crlf(['Subject: x', '', 'body', '']),
      crlf(['Subject: no final line break', '', 'body']),
      crlf(['Subject: empty body', '', '']),
      crlf(['Subject:', 'Message-ID: no-brackets@host', '', 'text', '']),
      crlf(['Subject:   spaced   ', 'Message-ID:   <id@host>  ', '', '  indented', '', '', 'after blank lines  ', '']),
      // Folded headers, encoded words (UTF-8, ISO-8859-1; B and Q; split characters; whitespace between them).
      crlf(['Subject: a long subject', '  folded over', '\tthree lines', '', 'x', '']),
      crlf([`Subject: =?utf-8?B?${b64('Grüße aus Köln')}?=`, '', 'x', '']),
      crlf([`Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?=`, '', 'x', '']),
      crlf([`Subject: =?iso-8859-1?Q?Gr=FC=DFe?= und =?utf-8?B?${b64('€uro')}?= end`, '', 'x', '']),
      crlf([
        `Subject: =?utf-8?B?${Buffer.from('é').subarray(0, 1).toString('base64')}?=`,
        ` =?utf-8?B?${Buffer.from('é').subarray(1).toString('base64')}?=`,
        '',
        'x',
        '',
      ]),
      crlf([`Subject: =?utf-8?Q?=C3?= =?utf-8?Q?=A9t=C3=A9?=`, '', 'x', '']),
      crlf([`Subject: =?utf-8?Q?=C3?= =?utf-8?B?${Buffer.from([0xa9]).toString('base64')}?=`, '', 'x', '']),
      crlf([`Subject: Re: =?utf-8?Q?caf=C3=A9?= (FM: alice)`, '', 'x', '']),
      crlf([`Subject: (FM: bob) hello`, '', 'hi bob', '']),
      // Charsets of the body.
      crlf(['Content-Type: text/plain; charset="UTF-8"', '', utf8('Grüße, 你好, 😀'), '']),
      crlf(['Content-Type: text/plain; charset=us-ascii', '', utf8('8-bit in ascii: é'), '']),
      crlf(['Content-Type: text/plain; charset=ISO-8859-1', '', 'caf\xe9 \xa0\xff', '']),
      crlf(['Content-Type: text/plain; charset=latin1; format=fixed', '', 'na\xefve', '']),
      crlf(['Content-Type: TEXT/PLAIN;CHARSET=utf-8;', '', 'caps', '']),
      crlf(['Content-Type: text/plain', ' ; charset=utf-8', '', 'folded content type', '']),
      crlf(['Content-Type: text/plain; charset=utf-8', '', 'invalid utf-8: \xc3\x28 \xff \xe2\x82', '']),
      // Quoted-printable: soft breaks, escapes in both cases, trailing spaces, broken escapes, long lines.
      crlf([
        'Content-Transfer-Encoding: quoted-printable',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Gr=C3=BC=c3=9Fe =',
        'aus K=C3=B6ln   ',
        'a =3D b, =ZZ, =4',
        'end=',
      ]),
      crlf(['Content-Transfer-Encoding: Quoted-Printable', 'Content-Type: text/plain; charset=iso-8859-1', '', 'caf=E9\t ', '=', '']),
      crlf(['Content-Transfer-Encoding: 8bit', '', utf8('x'.repeat(5000) + ' lange Zeile mit ü'), '']),
      crlf(['Content-Transfer-Encoding: binary', '', 'line\rwith a bare CR', '']),
      // format=flowed, as Thunderbird writes it: soft breaks, space-stuffing, quotes, DelSp, a signature.
      crlf([
        'Content-Type: text/plain; charset=UTF-8; format=flowed',
        'Content-Transfer-Encoding: 7bit',
        '',
        'a flowed ',
        'paragraph',
        ' From stuffed',
        '',
        '> quoted ',
        '> soft',
        '>> deeper',
        '-- ',
        'Sig',
        '',
      ]),
      crlf([
        'Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        'Gr=C3=BC=C3=9F ',
        'e',
        'end ',
        '',
      ]),
      crlf(['Content-Type: text/plain; format=Flowed; DelSp=Yes; charset=iso-8859-1', '', 'caf\xe9 ', 'au lait', '']),
      // Quotes and signature, as a reply carries them.
      crlf(['Subject: Re: SMS from +15550002222: hi', '', 'Yes.', '', 'On Mon, Bob wrote:', '> hi', '', '-- ', 'Alice', '']),
    ];
    for (const raw of mails) expect(await compare(raw), raw.toString('latin1')).toBe(true);
  });

  it('hands everything else to mailparser, which reads it as before', async () => {
    const mails: Buffer[] = [
      crlf(['Content-Type: multipart/alternative; boundary=b', '', '--b', 'Content-Type: text/plain', '', 'plain', '--b--', '']),
      crlf(['Content-Type: text/html; charset=utf-8', '', '<p>html <b>only</b></p>', '']),
      crlf(['Content-Type: text/plain; charset=windows-1252', '', 'smart \x93quotes\x94', '']),
      // libmime reads 0x80-0x9F of ISO-8859-1 as windows-1252 does.
      crlf(['Content-Type: text/plain; charset=ISO-8859-1', '', 'euro \x80 \x9f', '']),
      crlf(['Subject: =?iso-8859-1?Q?=80uro?=', '', 'x', '']),
      crlf(['Content-Type: text/plain; charset=utf-8 (comment)', '', 'x', '']),
      crlf(['Content-Type: text/plain; name=a.txt', '', 'x', '']),
      crlf(['Content-Disposition: attachment; filename=a.txt', '', 'x', '']),
      crlf(['Content-Transfer-Encoding: base64', '', b64('hello'), '']),
      crlf(['Subject: one', 'Subject: two', '', 'x', '']),
      crlf([`Subject: =?koi8-r?B?${b64('abc')}?=`, '', 'x', '']),
      crlf(['Subject: =?utf-8?Q?broken=Z?=', '', 'x', '']),
      crlf([`Subject: ${utf8('raw UTF-8 ü')}`, '', 'x', '']),
      crlf(['From nobody Mon Jan 1 00:00:00 2024', 'Subject: mbox', '', 'x', '']),
      Buffer.from('Subject: bare LF\n\nbody\n'),
      crlf(['Subject: no body, no blank line']),
    ];
    for (const raw of mails) expect(await compare(raw), raw.toString('latin1')).toBe(false);
  });

  it('gives the same as mailparser on generated plain-text mails', async () => {
    const word = fc.constantFrom(
      'hello',
      'Grüße',
      'café',
      '你好',
      '😀',
      '=',
      '==',
      '=3D',
      '=C3=A9',
      '=\r\n',
      '_',
      '?',
      '=?',
      '?=',
      'x'.repeat(90),
      '\t',
      '  ',
      '>',
      '-- ',
      ' ',
      '\r\n',
      '\r\n>',
      '\r\n> ',
      '\r\n>>',
      '\r\n-- \r\n',
      '\r\n From',
      '\u0093',
      '\u00ff',
    );
    const text = fc.array(word, { maxLength: 12 }).map((ws) => ws.join(' '));
    const encodedWord = fc
      .tuple(fc.constantFrom('utf-8', 'UTF-8', 'utf8', 'iso-8859-1', 'ISO-8859-1'), fc.constantFrom('B', 'b', 'Q', 'q'), text)
      .map(([cs, enc, t]) => {
        const bytes = Buffer.from(t, cs.toLowerCase().startsWith('iso') ? 'latin1' : 'utf8');
        const payload =
          enc.toUpperCase() === 'B'
            ? bytes.toString('base64')
            : [...bytes]
                .map((b) =>
                  b === 0x20 ? '_' : /[A-Za-z0-9]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`,
                )
                .join('');
        return `=?${cs}?${enc}?${payload}?=`;
      });
    const subject = fc
      .array(fc.oneof(encodedWord, fc.constantFrom('Re:', 'plain', '(FM: alice)', ' ', '  ', '\r\n ', '\r\n\t', 'x=y')), { maxLength: 6 })
      .map((p) => p.join(' '));
    const charset = fc.constantFrom(undefined, 'utf-8', '"utf-8"', 'UTF-8', 'us-ascii', 'iso-8859-1', 'ISO-8859-1', 'latin1', 'windows-1252');
    const cte = fc.constantFrom(undefined, '7bit', '8bit', 'quoted-printable', 'Quoted-Printable', 'base64');
    const format = fc.constantFrom('', '', '; format=flowed', '; format=flowed; delsp=yes', '; format=fixed');
    const mail = fc
      .record({
        subject: fc.option(subject, { nil: undefined }),
        charset,
        cte,
        format,
        id: fc.constantFrom(undefined, '<a@b>', 'a@b', '', '<a@b'),
        lines: fc.array(text, { maxLength: 6 }),
        lineEnd: fc.constantFrom('\r\n', '\r\n', '\n'),
      })
      .map((m) => {
        const head = [
          ...(m.subject !== undefined ? [`Subject: ${utf8(m.subject)}`] : []),
          ...(m.id !== undefined ? [`Message-ID: ${m.id}`] : []),
          ...(m.charset !== undefined
            ? [`Content-Type: text/plain; charset=${m.charset}${m.format}`]
            : m.format
              ? [`Content-Type: text/plain${m.format}`]
              : []),
          ...(m.cte !== undefined ? [`Content-Transfer-Encoding: ${m.cte}`] : []),
        ];
        const latin = m.charset?.toLowerCase().includes('8859') || m.charset === 'latin1';
        const body = m.lines.map((l) => Buffer.from(l, latin ? 'latin1' : 'utf8').toString('latin1')).join(m.lineEnd);
        return Buffer.from([...head, '', body].join('\r\n'), 'latin1');
      });
    let light = 0;
    await fc.assert(
      fc.asyncProperty(mail, async (raw) => {
        if (await compare(raw)) light++;
      }),
      { numRuns: 400, seed: 20261207 },
    );
    // Most of these are plain enough for the light path: the comparison above is about it, not about mailparser.
    expect(light).toBeGreaterThan(150);
  });

  it('builds the same SMS text either way', async () => {
    const raw = crlf([
      'Subject: =?utf-8?Q?Re=3A_SMS_from_+15550002222=3A_hi?=',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'On my way',
      '',
      '-- ',
      'Bob',
      '',
    ]);
    expect(lightMail(raw)).toBeDefined();
    const parsed = await parseMail(Readable.from([raw]), opts);
    expect(smsText(parsed.content, 'prepend')).toBe('On my way');
    expect(parsed).toEqual(await fullParse(raw, opts));
  });
});
