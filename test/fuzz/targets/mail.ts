// What SMTP takes in: the streaming MIME check (which refuses mail whose structure would lose content)
// gives the same verdict however the mail is chunked, and the content path (mailparser, then text and
// parts) turns any mail it lets through into a text and parts without throwing.
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { MimeCheck } from '../../../plugins/smtp/mime-check.ts';
import { parseMail } from '../../../plugins/smtp/parse.ts';
import { JPEG, attachmentPart, thunderbirdMail } from '../../plugins/smtp/thunderbird-mail.ts';
import { chunking, chunksOf, mutatedText } from '../mutate.ts';
import { broken, type FuzzTarget } from '../target.ts';

const seeds = [
  thunderbirdMail('447700900123@mms.example'),
  thunderbirdMail('447700900123@mms.example', [attachmentPart('image/jpeg', 'p.jpg', JPEG.subarray(0, 300))]),
  'From: a@example.com\r\nSubject: =?utf-8?B?w6lsw6k=?=\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nCaf\xe9\r\n> quoted\r\n',
  'Content-Type: text/html\r\n\r\n<p>Hello <b>there</b></p>',
];

function verdict(chunks: Buffer[]): string | undefined {
  const check = new MimeCheck();
  for (const c of chunks) check.write(c);
  return check.end();
}

export const mail: FuzzTarget = {
  name: 'mail',
  about: 'MimeCheck gives one verdict for any chunking; parseMail of what it passes gives text and parts',
  property: () =>
    fc.asyncProperty(mutatedText(seeds, 300), chunking, async (text, sizes) => {
      const bytes = Buffer.from(text, 'utf8');
      const whole = verdict([bytes]);
      if (whole !== verdict(chunksOf(bytes, sizes))) broken('chunking changed the MIME verdict');
      if (whole) return;
      const parsed = await parseMail(Readable.from([bytes]), { stripQuotes: true, stripSignatures: true });
      if (typeof parsed.content.text !== 'string') broken('no text');
    }),
};
