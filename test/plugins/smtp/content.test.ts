// Whole e-mails, as clients write them, through mailparser to the text an SMS would carry.
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { mailContent, mmsParts, smsText } from '../../../plugins/smtp/content.ts';

const opts = { stripQuotes: true, stripSignatures: true };

async function content(raw: string) {
  return mailContent(await simpleParser(Buffer.from(raw.replace(/\n/g, '\r\n'))), opts);
}

describe('mail to SMS text', () => {
  it('joins a plain subject and body', async () => {
    const c = await content('Subject: Meeting\nContent-Type: text/plain; charset=utf-8\n\nat 5 in room 2\n');
    expect(smsText(c, 'prepend')).toBe('Meeting\nat 5 in room 2');
  });

  it('drops Re: and the gateway\'s own "SMS from" subject of a reply', async () => {
    const c = await content(
      [
        'Subject: Re: SMS from +15550002222: are you coming?',
        'Content-Type: text/plain; charset=utf-8; format=flowed',
        '',
        'Yes, at 5.',
        '',
        'On 01/01/2024 10:00, +15550002222@sms.localhost wrote:',
        '> are you coming?',
        '',
        '-- ',
        'Alice',
        '',
      ].join('\n'),
    );
    expect(smsText(c, 'prepend')).toBe('Yes, at 5.');
  });

  it('keeps a meaningful subject after Re:', async () => {
    const c = await content('Subject: RE: Fwd: Party\n\nok\n');
    expect(smsText(c, 'prepend')).toBe('Party\nok');
  });

  it('renders an HTML-only mail as clean text', async () => {
    const c = await content(
      [
        'Subject: hello',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<html><head><style>p{color:red}</style></head><body><p>See you <b>at 5</b> &amp; bring cake.</p><p>Thanks</p></body></html>',
      ].join('\n'),
    );
    expect(c.text).toBe('See you at 5 & bring cake.\n\nThanks');
    expect(c.text).not.toMatch(/[<>]|color/);
  });

  it('strips a Gmail HTML reply down to the new text', async () => {
    const c = await content(
      [
        'Subject: Re: SMS from +15550002222: hi',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<div dir="ltr">Sure thing</div><br><div class="gmail_quote"><div class="gmail_attr">On Mon, Jan 1, 2024 at 10:00 AM &lt;+15550002222@sms.localhost&gt; wrote:<br></div><blockquote class="gmail_quote">hi<br>there</blockquote></div>',
      ].join('\n'),
    );
    expect(smsText(c, 'prepend')).toBe('Sure thing');
  });

  it('strips an Outlook HTML reply down to the new text', async () => {
    const c = await content(
      [
        'Subject: RE: plan',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<div>OK for Friday</div><div><br></div><hr><div id="divRplyFwdMsg"><b>From:</b> Bob &lt;b@example.com&gt;<br><b>Sent:</b> Monday<br><b>To:</b> Alice<br><b>Subject:</b> plan</div><div>Friday?</div>',
      ].join('\n'),
    );
    expect(smsText(c, 'ignore')).toBe('OK for Friday');
  });

  it('prefers the text part of multipart/alternative', async () => {
    const c = await content(
      [
        'Subject: x',
        'Content-Type: multipart/alternative; boundary=b',
        '',
        '--b',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'plain version',
        '--b',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<p>html version</p>',
        '--b--',
      ].join('\n'),
    );
    expect(c.text).toBe('plain version');
  });

  it('decodes quoted-printable UTF-8 with emoji', async () => {
    const c = await content(
      'Subject: =?UTF-8?B?8J+OiQ==?=\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nCaf=C3=A9 =F0=9F=98=80\n',
    );
    expect(smsText(c, 'prepend')).toBe('🎉\nCafé 😀');
  });
});

describe('mail to MMS parts', () => {
  it('puts the text first, then each attachment with its type, name, id and bytes', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001', 'hex');
    const c = await content(
      [
        'Subject: Re: photo',
        'Content-Type: multipart/mixed; boundary=m',
        '',
        '--m',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Look',
        '--m',
        'Content-Type: image/png; name=dot.png',
        'Content-Disposition: attachment; filename=dot.png',
        'Content-ID: <dot@x>',
        'Content-Transfer-Encoding: base64',
        '',
        png.toString('base64'),
        '--m--',
      ].join('\n'),
    );
    expect(c.subject).toBe('photo');
    const parts = mmsParts(c);
    expect(parts.map((p) => p.contentType)).toEqual(['text/plain; charset=utf-8', 'image/png', 'application/smil']);
    expect(parts[0]!.data.toString('utf8')).toBe('Look');
    expect(parts[1]).toMatchObject({ name: 'dot.png', contentId: 'dot@x' });
    expect(parts[1]!.data.equals(png)).toBe(true);
  });

  it('has no text part when the body is empty', async () => {
    const c = await content('Subject: x\nContent-Type: text/plain\n\n\n');
    expect(mmsParts(c)).toEqual([]);
  });
});
