// Recipients, messages and reply codes: the plug-in's decisions without a socket.
import { describe, expect, it } from 'vitest';
import { NowsmsError, normalizeAddress } from '../../../core/index.ts';
import { silentLogger } from '../../../core/log.ts';
import type { MailContent } from '../../../plugins/smtp/content.ts';
import { buildMessages } from '../../../plugins/smtp/messages.ts';
import { classifyRecipient } from '../../../plugins/smtp/recipient.ts';
import { replyFor, SmtpReply } from '../../../plugins/smtp/replies.ts';

const domains = { sms: 'sms.localhost', mms: 'MMS.localhost' };
const normalize = (n: string) => normalizeAddress(n, { nationalPrefix: '0', internationalPrefix: '00' });
const classify = (a: string) => classifyRecipient(a, domains, normalize);

describe('classifyRecipient', () => {
  it('takes numbers with or without + at the SMS and MMS domains, any case', () => {
    expect(classify('15550001111@sms.localhost')).toEqual({ ok: true, kind: 'sms', number: '+15550001111' });
    expect(classify('+15550001111@SMS.Localhost')).toEqual({ ok: true, kind: 'sms', number: '+15550001111' });
    expect(classify('+15550001111@mms.localhost')).toEqual({ ok: true, kind: 'mms', number: '+15550001111' });
    expect(classify('12345@sms.localhost')).toEqual({ ok: true, kind: 'sms', number: '12345' });
  });

  it('refuses every other domain as relaying', () => {
    for (const a of ['15550001111@example.com', '15550001111@sms.localhost.example.com', 'bob@localhost', '15550001111']) {
      expect(classify(a)).toMatchObject({ ok: false, code: 550, message: expect.stringMatching(/^5\.7\.1 relaying denied/) });
    }
  });

  it('refuses local parts that are not a phone number', () => {
    for (const a of [
      '+1555>@sms.localhost',
      'bob@sms.localhost',
      '1555-000@sms.localhost',
      '++1555@sms.localhost',
      '@sms.localhost',
      '"1 555"@sms.localhost',
    ]) {
      expect(classify(a)).toMatchObject({ ok: false, code: 550, message: expect.stringMatching(/^5\.1\.3 /) });
    }
  });
});

const content = (over: Partial<MailContent> = {}): MailContent => ({ text: 'hi', subject: '', attachments: [], ...over });
const envelope = (recipients: Array<{ kind: 'sms' | 'mms'; number: string }>) => ({ mailFrom: 'alice@example.com', emailMessageId: '<m1@x>', recipients });
const alice = { user: 'alice', from: '+15550009999' };

describe('buildMessages', () => {
  it('makes one MT message per recipient, from the user, with the envelope in meta', () => {
    const msgs = buildMessages(
      content(),
      envelope([
        { kind: 'sms', number: '+15550001111' },
        { kind: 'sms', number: '+15550002222' },
      ]),
      alice,
      'prepend',
    );
    expect(msgs).toHaveLength(2);
    expect(msgs[0]).toMatchObject({
      direction: 'MT',
      kind: 'sms',
      from: '+15550009999',
      to: '+15550001111',
      user: 'alice',
      via: 'smtp',
      meta: { mailFrom: 'alice@example.com', emailMessageId: '<m1@x>' },
    });
    expect(msgs[0]!.parts).toEqual([{ contentType: 'text/plain; charset=utf-8', data: Buffer.from('hi') }]);
  });

  it('sends once to a number written twice', () => {
    const msgs = buildMessages(
      content(),
      envelope([
        { kind: 'sms', number: '+15550001111' },
        { kind: 'sms', number: '+15550001111' },
      ]),
      alice,
      'prepend',
    );
    expect(msgs).toHaveLength(1);
  });

  it('refuses an SMS with neither text nor subject', () => {
    expect(() => buildMessages(content({ text: '' }), envelope([{ kind: 'sms', number: '+1555000111' }]), alice, 'prepend')).toThrow(/^5\.6\.0 /);
    expect(() => buildMessages(content({ text: '', subject: 'x' }), envelope([{ kind: 'sms', number: '+1555000111' }]), alice, 'ignore')).toThrow(SmtpReply);
  });

  it('takes an SMS made of the subject alone', () => {
    const [m] = buildMessages(content({ text: '', subject: 'Call me' }), envelope([{ kind: 'sms', number: '+15550001111' }]), alice, 'prepend');
    expect(m!.parts[0]!.data.toString()).toBe('Call me');
  });

  it('gives an MMS the subject as its subject, not in its text', () => {
    const image = { contentType: 'image/jpeg', name: 'a.jpg', data: Buffer.from([0xff, 0xd8]) };
    const [m] = buildMessages(content({ subject: 'Photo', attachments: [image] }), envelope([{ kind: 'mms', number: '+15550001111' }]), alice, 'prepend');
    expect(m).toMatchObject({ kind: 'mms', subject: 'Photo' });
    expect(m!.parts.map((p) => p.contentType)).toEqual(['text/plain; charset=utf-8', 'image/jpeg', 'application/smil']);
    expect(m!.parts[0]!.data.toString()).toBe('hi');
  });
});

describe('replyFor', () => {
  const log = silentLogger();
  it('maps a too-long message to 552 5.3.4 with the core message', () => {
    const r = replyFor(new NowsmsError('NOWSMS_ERR_TOO_LONG', 'it needs 11 SMS segments and the limit is 10'), log);
    expect([r.responseCode, r.message]).toEqual([552, '5.3.4 it needs 11 SMS segments and the limit is 10']);
  });
  it('maps temporary errors to 451 4.x.x', () => {
    expect(replyFor(new NowsmsError('NOWSMS_ERR_LIMIT', 'daily limit 5 reached', { temporary: true }), log)).toMatchObject({
      responseCode: 451,
      message: '4.7.1 daily limit 5 reached',
    });
    expect(replyFor(new NowsmsError('NOWSMS_ERR_HOOK_TIMEOUT', 'slow', { temporary: true }), log)).toMatchObject({ responseCode: 451, message: '4.3.0 slow' });
  });
  it('maps permanent errors to 5xx', () => {
    expect(replyFor(new NowsmsError('NOWSMS_ERR_ADDRESS', 'bad'), log)).toMatchObject({ responseCode: 550, message: '5.1.3 bad' });
    expect(replyFor(new NowsmsError('NOWSMS_ERR_LIMIT', 'no credits'), log)).toMatchObject({ responseCode: 550, message: '5.7.1 no credits' });
    expect(replyFor(new NowsmsError('NOWSMS_ERR_REJECTED', 'blocked'), log).responseCode).toBe(550);
    expect(replyFor(new NowsmsError('NOWSMS_ERR_STORE', 'x'), log).responseCode).toBe(554);
  });
  it('makes anything else a temporary 451 4.3.0', () => {
    expect(replyFor(new Error('disk'), log)).toMatchObject({ responseCode: 451, message: expect.stringMatching(/^4\.3\.0 /) });
  });
});
