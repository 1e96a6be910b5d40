// E-mail to the MMS domain from swaks (a real SMTP client): what becomes a part, what is refused with
// which reply, and malformed MIME that must not lose content silently.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import { missingPeer } from '../../helpers/peers.ts';
import { stored } from './client.ts';
import { swaks } from '../../helpers/swaks.ts';
import { AMR, JPEG, attachmentPart, thunderbirdMail } from './thunderbird-mail.ts';

let gw: TestGateway;
const dir = mkdtempSync(path.join(os.tmpdir(), 'nowsms-mms-mail-'));
const file = (name: string, data: Buffer | string) => {
  const p = path.join(dir, name);
  writeFileSync(p, data);
  return p;
};
const jpeg = file('photo.jpg', JPEG);
const amr = file('voice.amr', AMR);

beforeAll(async () => {
  // A limit the test can pass with real files: the JPEG, the AMR, the text and the SMIL come to about 2.2 KB.
  gw = await startTestGateway({
    pop3: false,
    users: [{ name: 'alice', password: 'alice-pw', recipients: ['+15550009999'] }],
    config: { mms: { maxBytes: 3000 } },
  });
});

afterAll(async () => {
  await gw?.stop();
});

const send = (...args: string[]) => swaks(gw.smtpPort, 'alice', 'alice-pw', args);
const TO = ['--to', '447700900123@mms.localhost', '--header', 'Subject: holiday'];
const count = async () => (await gw.gateway.stores.messages.list()).length;

/** swaks --data with a raw mail (LF line ends become CRLF). */
function raw(name: string, lines: string[]): string {
  return `@${file(name, [...lines, ''].join('\r\n'))}`;
}

describe.skipIf(missingPeer('swaks'))('e-mail to the MMS domain', () => {
  it('makes the body the text part and each --attach file a part, byte for byte, then a SMIL', async () => {
    const r = await send(
      ...TO,
      '--body',
      'a photo and a voice note',
      '--attach-type',
      'image/jpeg',
      '--attach',
      `@${jpeg}`,
      '--attach-type',
      'audio/amr',
      '--attach',
      `@${amr}`,
    );
    expect(r.code, r.out).toBe(0);
    const [m] = await stored(gw, r.last);
    expect(m).toMatchObject({ kind: 'mms', subject: 'holiday', text: 'a photo and a voice note' });
    expect(m!.parts.map((p) => [p.contentType, p.name])).toEqual([
      ['text/plain; charset=utf-8', undefined],
      ['image/jpeg', 'photo.jpg'],
      ['audio/amr', 'voice.amr'],
      ['application/smil', 'smil.smil'],
    ]);
    expect(m!.parts[1]!.data.equals(JPEG)).toBe(true);
    expect(m!.parts[2]!.data.equals(AMR)).toBe(true);
    const smil = m!.parts[3]!.data.toString();
    expect(smil).toContain(`<img src="cid:${m!.parts[1]!.contentId}" region="Image"/>`);
    expect(smil).toContain(`<audio src="cid:${m!.parts[2]!.contentId}"/>`);
  });

  it('keeps the SMIL presentation a mail brings, and adds none', async () => {
    const own =
      '<smil><head><layout><root-layout/><region id="Image"/></layout></head><body><par dur="8s"><img src="photo.jpg" region="Image"/></par></body></smil>';
    const r = await send(
      ...TO,
      '--body',
      'see',
      '--attach-type',
      'image/jpeg',
      '--attach',
      `@${jpeg}`,
      '--attach-type',
      'application/smil',
      '--attach',
      `@${file('pres.smil', own)}`,
    );
    expect(r.code, r.out).toBe(0);
    const [m] = await stored(gw, r.last);
    expect(m!.parts.map((p) => p.contentType)).toEqual(['text/plain; charset=utf-8', 'image/jpeg', 'application/smil']);
    expect(m!.parts[2]!.data.toString()).toBe(own);
  });

  it('turns an HTML-only mail into one text part, with no HTML attachment', async () => {
    const r = await send(
      ...TO,
      '--attach-type',
      'text/html',
      '--attach-body',
      '<html><body><p>See you <b>at 5</b> &amp; bring cake.</p></body></html>',
      '--attach-type',
      'image/jpeg',
      '--attach',
      `@${jpeg}`,
    );
    expect(r.code, r.out).toBe(0);
    const [m] = await stored(gw, r.last);
    expect(m!.text).toBe('See you at 5 & bring cake.');
    expect(m!.parts.map((p) => p.contentType)).toEqual(['text/plain; charset=utf-8', 'image/jpeg', 'application/smil']);
  });

  it('refuses a part of a type phones do not take with 554 naming the type, and stores nothing', async () => {
    const before = await count();
    const exe = file('setup.exe', Buffer.from('MZ\x90\x00not really a program'));
    const r = await send(...TO, '--body', 'run this', '--attach-type', 'application/x-msdownload', '--attach', `@${exe}`);
    expect(r.code).not.toBe(0);
    expect(r.last).toMatch(/^554 5\.6\.1 content type application\/x-msdownload \(part "setup\.exe"\) is not allowed in an MMS/);
    expect(await count()).toBe(before);
  });

  it('refuses an MMS over mms.maxBytes with 552 naming the size and the limit', async () => {
    const before = await count();
    const r = await send(
      ...TO,
      '--body',
      'two photos',
      '--attach-type',
      'audio/amr',
      '--attach',
      `@${amr}`,
      '--attach-type',
      'audio/amr',
      '--attach',
      `@${amr}`,
    );
    expect(r.code).not.toBe(0);
    expect(r.last).toMatch(/^552 5\.3\.4 MMS too big: its parts are \d+ bytes and the limit is 3000 bytes \(mms\.maxBytes\)/);
    expect(await count()).toBe(before);
  });

  it('counts an extra part of a Thunderbird mail against the allow-list too', async () => {
    const r = await send(
      '--to',
      '447700900123@mms.localhost',
      '--data',
      `@${file('tb.eml', thunderbirdMail('447700900123@mms.localhost', [attachmentPart('application/zip', 'all.zip', Buffer.from('PK\x03\x04'))]))}`,
    );
    expect(r.last).toMatch(/^554 5\.6\.1 content type application\/zip \(part "all\.zip"\)/);
  });
});

describe.skipIf(missingPeer('swaks'))('malformed MIME', () => {
  const head = ['From: alice@example.com', 'To: 447700900123@mms.localhost', 'Subject: broken', 'MIME-Version: 1.0'];
  const image = ['Content-Type: image/jpeg; name="photo.jpg"', 'Content-Transfer-Encoding: base64', '', JPEG.toString('base64')];

  it('refuses a multipart mail without a boundary parameter (it used to become its subject alone)', async () => {
    const before = await count();
    for (const to of ['447700900123@mms.localhost', '447700900123@sms.localhost']) {
      const r = await send(
        '--to',
        to,
        '--data',
        raw('nob.eml', [...head, 'Content-Type: multipart/mixed', '', '--b1', 'Content-Type: text/plain', '', 'the text', '--b1--']),
      );
      expect(r.last).toBe(
        '550 5.6.0 malformed MIME: a multipart/mixed part has no boundary parameter, so its parts cannot be found: nothing was sent; check the mail client or send the mail again',
      );
    }
    expect(await count()).toBe(before);
  });

  it('refuses a multipart mail whose boundary never appears', async () => {
    const r = await send(
      '--to',
      '447700900123@mms.localhost',
      '--data',
      raw('never.eml', [...head, 'Content-Type: multipart/mixed; boundary="zzz"', '', '--b1', 'Content-Type: text/plain', '', 'the text', '--b1--']),
    );
    expect(r.last).toMatch(/^550 5\.6\.0 malformed MIME: the boundary "zzz" of a multipart\/mixed part never appears/);
  });

  it('refuses a mail whose inner multipart never uses its boundary', async () => {
    const r = await send(
      '--to',
      '447700900123@mms.localhost',
      '--data',
      raw('inner.eml', [
        ...head,
        'Content-Type: multipart/mixed; boundary="outer"',
        '',
        '--outer',
        'Content-Type: multipart/alternative; boundary="inner"',
        '',
        'the text',
        '--outer--',
      ]),
    );
    expect(r.last).toMatch(/^550 5\.6\.0 malformed MIME: the boundary "inner" of a multipart\/alternative part never appears/);
  });

  it('refuses a misspelt part boundary instead of sending MIME lines as the text', async () => {
    const before = await count();
    const r = await send(
      '--to',
      '447700900123@mms.localhost',
      '--data',
      raw('misspelt.eml', [
        ...head,
        'Content-Type: multipart/mixed; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain',
        '',
        'the text',
        '--b2',
        ...image,
        '--b1--',
      ]),
    );
    expect(r.last).toMatch(/^550 5\.6\.0 broken MIME boundary: the line "--b2" starts a part, but the boundary of its multipart\/mixed is "b1"/);
    expect(await count()).toBe(before);
  });

  it('takes a mail whose closing boundary is missing: nothing of it is lost', async () => {
    const r = await send(
      '--to',
      '447700900123@mms.localhost',
      '--data',
      raw('open.eml', [...head, 'Content-Type: multipart/mixed; boundary="b1"', '', '--b1', 'Content-Type: text/plain', '', 'the text', '--b1', ...image]),
    );
    expect(r.code, r.out).toBe(0);
    const [m] = await stored(gw, r.last);
    expect(m!.text).toBe('the text');
    expect(m!.parts[1]!.data.equals(JPEG)).toBe(true);
  });

  it('takes a text that merely quotes a boundary-like line', async () => {
    const r = await send(
      '--to',
      '447700900123@sms.localhost',
      '--data',
      raw('quote.eml', [
        ...head,
        'Content-Type: multipart/mixed; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain',
        '',
        '--not a boundary',
        'just text',
        '--b1--',
      ]),
    );
    expect(r.code, r.out).toBe(0);
    const [m] = await stored(gw, r.last);
    expect(m!.text).toBe('broken\n--not a boundary\njust text');
  });
});
