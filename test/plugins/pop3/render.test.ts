import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import type { Message } from '../../../core/index.ts';
import { boundaryFor, renderMessage } from '../../../plugins/pop3/render.ts';
import { smsMessage } from './fake-gateway.ts';

const ctx = { domains: { sms: 'sms.example', mms: 'mms.example' }, user: { name: 'bob', fullName: 'Bob Builder' } };

function mms(id: string): Message {
  return {
    id,
    direction: 'MO',
    kind: 'mms',
    from: '+15550003333',
    to: '+15550001111',
    subject: 'Holiday',
    parts: [
      { contentType: 'application/smil', name: 'pres.smil', data: Buffer.from('<smil></smil>') },
      { contentType: 'text/plain; charset=utf-8', name: 'a.txt', data: Buffer.from('Look at this ') },
      { contentType: 'image/jpeg', name: 'beach.jpg', contentId: '<img1>', data: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 1, 2, 3]) },
      { contentType: 'text/plain; charset=utf-8', data: Buffer.from('and this.') },
      { contentType: 'audio/amr', data: Buffer.from('#!AMR\n') },
    ],
    receivedAt: new Date('2025-04-02T08:30:00Z'),
    meta: {},
  };
}

describe('renderMessage', () => {
  it('makes an SMS into an e-mail whose Reply goes back to the phone', async () => {
    const bytes = await renderMessage(smsMessage('m1abc', 'Hello there\nsecond line'), ctx);
    const text = bytes.toString('utf8');
    expect(text).toMatch(/^From: "\+15550002222" <\+15550002222@sms\.example>\r$/m);
    expect(text).toMatch(/^To: Bob Builder <bob@mms\.example>\r$/m);
    expect(text).toMatch(/^Subject: SMS from \+15550002222: Hello there second line\r$/m);
    expect(text).toMatch(/^Date: Sat, 01 Mar 2025 10:00:00 \+0000\r$/m);
    expect(text).toMatch(/^Message-ID: <m1abc@sms\.example>\r$/m);
    expect(text).toMatch(/^X-Nowsms-Message-I[Dd]: m1abc\r$/m);
    const mail = await simpleParser(bytes);
    expect(mail.text?.trimEnd()).toBe('Hello there\nsecond line');
    expect(mail.from?.value[0]).toEqual({ address: '+15550002222@sms.example', name: '+15550002222' });
  });

  it('ends every line with CRLF, including the last, even for a lone CR in the text', async () => {
    const bytes = await renderMessage(smsMessage('m2', 'a\rb\r\nc\n.\n'), ctx);
    expect(bytes.subarray(-2).toString()).toBe('\r\n');
    expect(bytes.toString('latin1')).not.toMatch(/\r(?!\n)|(?<!\r)\n/);
  });

  it('uses the user name when there is no full name', async () => {
    const bytes = await renderMessage(smsMessage('m3', 'x'), { ...ctx, user: { name: 'carol' } });
    expect(bytes.toString()).toMatch(/^To: carol <carol@mms\.example>\r$/m);
  });

  it('keeps UCS-2 text and emoji intact', async () => {
    const text = 'Привет 😀 日本語 — ça va?';
    const mail = await simpleParser(await renderMessage(smsMessage('m4', text), ctx));
    expect(mail.text?.trimEnd()).toBe(text);
    expect(mail.subject).toBe(`SMS from +15550002222: ${text}`);
  });

  it('makes MMS text parts the body and other parts attachments, skipping SMIL', async () => {
    const bytes = await renderMessage(mms('mms1'), ctx);
    const mail = await simpleParser(bytes);
    expect(mail.from?.value[0]?.address).toBe('+15550003333@mms.example');
    expect(mail.messageId).toBe('<mms1@mms.example>');
    // An MMS's own subject, as its sender wrote it.
    expect(mail.subject).toBe('Holiday');
    expect(mail.text?.trim()).toBe('Look at this \nand this.');
    expect(mail.attachments.map((a) => [a.contentType, a.filename, a.size])).toEqual([
      ['image/jpeg', 'beach.jpg', 8],
      ['audio/amr', 'part-2.amr', 6],
    ]);
    expect(mail.attachments[0]!.content).toEqual(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 1, 2, 3]));
    expect(mail.attachments[0]!.cid).toBe('img1');
    expect(bytes.toString()).not.toContain('<smil>');
  });

  it('is deterministic: the boundary comes from the message id, nothing is random', async () => {
    const a = await renderMessage(mms('mms2'), ctx);
    await new Promise((r) => setTimeout(r, 20));
    const b = await renderMessage(mms('mms2'), ctx);
    expect(b.equals(a)).toBe(true);
    expect(a.toString()).toContain(boundaryFor('mms2'));
    const other = await renderMessage(mms('mms3'), ctx);
    expect(other.toString()).not.toContain(boundaryFor('mms2'));
  });
});
