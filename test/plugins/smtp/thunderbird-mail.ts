// A mail as Thunderbird writes one with a picture pasted into the text and two files attached:
// multipart/mixed [ multipart/alternative [ text/plain, multipart/related [ text/html, inline image ] ],
// attachments ]. Raw CRLF bytes, for `swaks --data`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures');
export const JPEG = readFileSync(path.join(fixtures, 'photo.jpg'));
export const AMR = readFileSync(path.join(fixtures, 'voice.amr'));
/** A 1x1 PNG: the picture pasted into the text. */
export const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082',
  'hex',
);
export const INLINE_CID = 'part1.9Zq3tB2c.H1k8xL0m@example.com';

const b64 = (b: Buffer) => b.toString('base64').replace(/.{1,76}/g, '$&\r\n');

export function thunderbirdMail(to: string, extraParts: string[] = []): string {
  const lines = [
    'Message-ID: <3f2a9c1e-7d44-4b2a-9d0e-5c1b2a3d4e5f@example.com>',
    'Date: Mon, 7 Dec 2026 09:15:00 +0000',
    'MIME-Version: 1.0',
    'User-Agent: Mozilla Thunderbird',
    'Content-Language: en-GB',
    `To: ${to}`,
    'From: Alice <alice@example.com>',
    'Subject: Beach today',
    'Content-Type: multipart/mixed;',
    ' boundary="------------mIxEd0123456789"',
    '',
    'This is a multi-part message in MIME format.',
    '--------------mIxEd0123456789',
    'Content-Type: multipart/alternative;',
    ' boundary="------------aLtErN0123456789"',
    '',
    '--------------aLtErN0123456789',
    'Content-Type: text/plain; charset=UTF-8; format=flowed',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Hi Bob, the beach was great — here is a photo and a voice note.',
    '',
    '-- ',
    'Alice',
    '',
    '--------------aLtErN0123456789',
    'Content-Type: multipart/related;',
    ' boundary="------------rElAtEd0123456789"',
    '',
    '--------------rElAtEd0123456789',
    'Content-Type: text/html; charset=UTF-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    '<!DOCTYPE html>',
    '<html><head><meta http-equiv="content-type" content="text/html; charset=UTF-8"></head>',
    '<body><p>Hi Bob, the beach was great — here is a photo and a voice note.</p>',
    `<p><img src="cid:${INLINE_CID}" alt=""></p>`,
    '<div class="moz-signature">-- <br>Alice</div></body></html>',
    '',
    '--------------rElAtEd0123456789',
    'Content-Type: image/png; name="dot.png"',
    'Content-Disposition: inline; filename="dot.png"',
    `Content-Id: <${INLINE_CID}>`,
    'Content-Transfer-Encoding: base64',
    '',
    b64(PNG),
    '--------------rElAtEd0123456789--',
    '',
    '--------------aLtErN0123456789--',
    '--------------mIxEd0123456789',
    'Content-Type: image/jpeg; name="photo.jpg"',
    'Content-Disposition: attachment; filename="photo.jpg"',
    'Content-Transfer-Encoding: base64',
    '',
    b64(JPEG),
    '--------------mIxEd0123456789',
    'Content-Type: audio/amr; name="voice.amr"',
    'Content-Disposition: attachment; filename="voice.amr"',
    'Content-Transfer-Encoding: base64',
    '',
    b64(AMR),
    ...extraParts.flatMap((p) => ['--------------mIxEd0123456789', p]),
    '--------------mIxEd0123456789--',
    '',
  ];
  return lines.join('\r\n');
}

/** A part for `extraParts`: headers and a base64 body. */
export function attachmentPart(contentType: string, filename: string, data: Buffer): string {
  return [
    `Content-Type: ${contentType}; name="${filename}"`,
    `Content-Disposition: attachment; filename="${filename}"`,
    'Content-Transfer-Encoding: base64',
    '',
    b64(data),
  ].join('\r\n');
}
