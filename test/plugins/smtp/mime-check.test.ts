// The structure check sees the mail in whatever chunks the socket delivers: its verdict must not depend on them.
import { describe, expect, it } from 'vitest';
import { MimeCheck } from '../../../plugins/smtp/mime-check.ts';
import { thunderbirdMail } from './thunderbird-mail.ts';

function verdict(mail: string, chunk: number): string | undefined {
  const bytes = Buffer.from(mail, 'utf8');
  const check = new MimeCheck();
  for (let i = 0; i < bytes.length; i += chunk) check.write(bytes.subarray(i, i + chunk));
  return check.end();
}

const misspelt = [
  'Content-Type: multipart/mixed; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/plain',
  '',
  'text',
  '--b2',
  'Content-Type: image/png',
  '',
  'xx',
  '--b1--',
  '',
].join('\r\n');

describe('MimeCheck', () => {
  it('finds nothing wrong with a well-formed nested mail, however it is cut', () => {
    for (const size of [1, 2, 3, 7, 64, 1000, 1 << 20]) expect(verdict(thunderbirdMail('1@mms.localhost'), size), `chunks of ${size}`).toBeUndefined();
  });

  it('finds a misspelt boundary, however the mail is cut', () => {
    for (const size of [1, 2, 5, 13, 4096]) expect(verdict(misspelt, size), `chunks of ${size}`).toMatch(/^broken MIME boundary: the line "--b2"/);
  });

  it('finds a multipart without a boundary parameter in a folded header', () => {
    expect(verdict('Subject: x\r\nContent-Type: multipart/mixed;\r\n charset=utf-8\r\n\r\n--a\r\n', 3)).toMatch(/no boundary parameter/);
  });

  it('reads a plain mail as having no structure to check', () => {
    expect(verdict('Subject: x\r\n\r\n--b2\r\nContent-Type: text/plain\r\n', 4)).toBeUndefined();
  });
});
