// The SMTP server over real sockets, with nodemailer as the e-mail client and the real store behind it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import { mailer, refusal, stored } from './client.ts';
import { RawSmtp } from './raw-client.ts';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({
    pop3: false,
    users: [
      { name: 'alice', password: 'alice-pw', recipients: ['+15550009999'] },
      { name: 'bob', password: 'bob-pw', recipients: ['+15550002222'], receive: true },
      { name: 'carol', password: 'carol-pw', recipients: ['+15550003333'], smtpLogin: false },
      { name: 'dave', password: 'dave-pw', forcedSender: 'DAVECO', dailyLimit: 2 },
      { name: 'erin', password: 'erin-pw' },
    ],
  });
});

afterAll(async () => {
  await gw?.stop();
});

describe('sending an SMS', () => {
  it('takes AUTH PLAIN and a number without +', async () => {
    const info = await mailer(gw.smtpPort, 'alice', 'alice-pw').sendMail({
      from: 'alice@example.com',
      to: '15550001111@sms.localhost',
      subject: 'Hello',
      text: 'Meet at 5',
    });
    const [m] = await stored(gw, info.response);
    expect(m).toMatchObject({ direction: 'MT', kind: 'sms', from: '+15550009999', to: '+15550001111', user: 'alice', via: 'smtp', text: 'Hello\nMeet at 5' });
    expect(m!.parts[0]!.contentType).toBe('text/plain; charset=utf-8');
    expect(m!.meta).toMatchObject({ mailFrom: 'alice@example.com', emailMessageId: info.messageId });
  });

  it('takes AUTH LOGIN and a number with +', async () => {
    const info = await mailer(gw.smtpPort, 'alice', 'alice-pw', { auth: { user: 'alice', pass: 'alice-pw', method: 'LOGIN' } }).sendMail({
      from: 'alice@example.com',
      to: '+15550001111@sms.localhost',
      text: 'plus sign',
    });
    const [m] = await stored(gw, info.response);
    expect(m).toMatchObject({ to: '+15550001111', text: 'plus sign' });
  });

  it('makes one message per recipient', async () => {
    const info = await mailer(gw.smtpPort, 'alice', 'alice-pw').sendMail({
      from: 'alice@example.com',
      to: ['15550001111@sms.localhost', '+15550004444@SMS.LOCALHOST', '15550005555@sms.localhost'],
      text: 'to all',
    });
    const ms = await stored(gw, info.response);
    expect(ms.map((m) => m.to).sort()).toEqual(['+15550001111', '+15550004444', '+15550005555']);
    expect(new Set(ms.map((m) => m.text))).toEqual(new Set(['to all']));
  });

  it("routes a number another user receives to that user's mailbox, and a number nobody has waits", async () => {
    const info = await mailer(gw.smtpPort, 'alice', 'alice-pw').sendMail({
      from: 'alice@example.com',
      to: ['15550002222@sms.localhost', '15550007777@sms.localhost'],
      text: 'routing',
    });
    const [toBob, toNobody] = await stored(gw, info.response).then((ms) => [
      ms.find((m) => m.to === '+15550002222')!,
      ms.find((m) => m.to === '+15550007777')!,
    ]);
    expect((await gw.gateway.stores.mailboxes.list('bob')).map((e) => e.messageId)).toContain(toBob!.id);
    expect(await gw.gateway.stores.messages.summary(toNobody!.id)).toMatchObject({ status: 'no-route' });
  });

  it('keeps a Unicode text with emoji intact', async () => {
    const text = 'Hello 👋🏽 Привет — ça va? 你好';
    const info = await mailer(gw.smtpPort, 'alice', 'alice-pw').sendMail({ from: 'alice@example.com', to: '15550001111@sms.localhost', text });
    const [m] = await stored(gw, info.response);
    expect(m!.text).toBe(text);
    expect(m!.meta).toMatchObject({ encoding: 'ucs2' });
  });

  it('turns an HTML-only mail into clean text', async () => {
    const info = await mailer(gw.smtpPort, 'alice', 'alice-pw').sendMail({
      from: 'alice@example.com',
      to: '15550001111@sms.localhost',
      html: '<html><head><style>p{color:red}</style></head><body><p>Dinner <b>at 8</b> &amp; wine</p><p>Love</p></body></html>',
    });
    const [m] = await stored(gw, info.response);
    expect(m!.text).toBe('Dinner at 8 & wine\n\nLove');
  });

  it('sends only the new text of a reply from an e-mail client', async () => {
    const info = await mailer(gw.smtpPort, 'alice', 'alice-pw').sendMail({
      from: 'alice@example.com',
      to: '+15550001111@sms.localhost',
      subject: 'Re: SMS from +15550001111: are you coming tonight?',
      text: 'Yes, see you there.\n\nOn Tue, 2 Jan 2024 at 18:00, +15550001111@sms.localhost wrote:\n> are you coming tonight?\n\n-- \nAlice Example\nACME Corp\n',
    });
    const [m] = await stored(gw, info.response);
    expect(m!.text).toBe('Yes, see you there.');
  });

  it('uses the forced sender', async () => {
    const info = await mailer(gw.smtpPort, 'dave', 'dave-pw').sendMail({ from: 'dave@example.com', to: '15550001111@sms.localhost', text: 'forced' });
    const [m] = await stored(gw, info.response);
    expect(m!.from).toBe('DAVECO');
  });
});

describe('sending an MMS', () => {
  it('keeps the image bytes and content type, and the subject as the MMS subject', async () => {
    const png = Buffer.from(
      '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f8e6b00000000049454e44ae426082',
      'hex',
    );
    const info = await mailer(gw.smtpPort, 'alice', 'alice-pw').sendMail({
      from: 'alice@example.com',
      to: '+15550001111@mms.localhost',
      subject: 'Fwd: the dot',
      text: 'Look at this',
      attachments: [{ filename: 'dot.png', content: png, contentType: 'image/png' }],
    });
    const [m] = await stored(gw, info.response);
    expect(m).toMatchObject({ kind: 'mms', to: '+15550001111', subject: 'the dot', text: 'Look at this' });
    expect(m!.parts.map((p) => p.contentType)).toEqual(['text/plain; charset=utf-8', 'image/png', 'application/smil']);
    expect(m!.parts[1]!.name).toBe('dot.png');
    expect(Buffer.compare(m!.parts[1]!.data, png)).toBe(0);
  });
});

describe('refusals', () => {
  it('never relays to another domain, logged in or not', async () => {
    const r = await refusal(mailer(gw.smtpPort, 'alice', 'alice-pw').sendMail({ from: 'alice@example.com', to: 'someone@example.com', text: 'relay?' }));
    expect(r.code).toBe(550);
    expect(r.response).toMatch(/5\.7\.1 relaying denied/);

    const { client } = await RawSmtp.connect(gw.smtpPort);
    try {
      await client.command('EHLO relay.test');
      const mail = await client.command('MAIL FROM:<spammer@example.com>');
      const rcpt = await client.command('RCPT TO:<victim@example.com>');
      expect(mail.code).toBeGreaterThanOrEqual(500);
      expect(rcpt.code).toBeGreaterThanOrEqual(500);
    } finally {
      client.close();
    }
  });

  it('refuses the odd forms smtp-server lets through', async () => {
    const { client } = await RawSmtp.connect(gw.smtpPort);
    try {
      await client.command('EHLO odd.test');
      expect((await client.command(`AUTH PLAIN ${RawSmtp.plain('alice', 'alice-pw')}`)).code).toBe(235);
      expect((await client.command('MAIL FROM:<alice@example.com>')).code).toBe(250);
      for (const rcpt of ['<+15550001111@sms.localhost>>', '<"+1 555"@sms.localhost>', '<alice@sms.localhost>', '<15550001111@sms.localhost.evil.com>']) {
        // smtp-server 3.21 itself answers 501 to `>>`; older ones let it through to onRcptTo.
        const r = await client.command(`RCPT TO:${rcpt}`);
        expect(r.code, rcpt).toBeGreaterThanOrEqual(500);
      }
    } finally {
      client.close();
    }
  });

  it('requires AUTH before MAIL FROM', async () => {
    const { client } = await RawSmtp.connect(gw.smtpPort);
    try {
      await client.command('EHLO anon.test');
      const r = await client.command('MAIL FROM:<anon@example.com>');
      expect(r.code).toBe(530);
      expect(r.text).toMatch(/authentication required/);
    } finally {
      client.close();
    }
  });

  it('refuses a bad password', async () => {
    const r = await refusal(mailer(gw.smtpPort, 'alice', 'wrong').sendMail({ from: 'a@example.com', to: '15550001111@sms.localhost', text: 'x' }));
    expect(r.code).toBe(535);
    expect(r.response).toMatch(/5\.7\.8 authentication failed/);
  });

  it('refuses a user without SMTP login', async () => {
    const r = await refusal(mailer(gw.smtpPort, 'carol', 'carol-pw').sendMail({ from: 'c@example.com', to: '15550001111@sms.localhost', text: 'x' }));
    expect(r.code).toBe(535);
  });

  it('refuses an SMS longer than sms.maxSegments, naming the limit', async () => {
    const r = await refusal(
      mailer(gw.smtpPort, 'alice', 'alice-pw').sendMail({ from: 'a@example.com', to: '15550001111@sms.localhost', text: 'a'.repeat(153 * 10 + 1) }),
    );
    expect(r.code).toBe(552);
    expect(r.response).toMatch(/5\.3\.4 .*11 SMS segments.*limit is 10/);
  });

  it('refuses an empty SMS', async () => {
    const r = await refusal(
      mailer(gw.smtpPort, 'alice', 'alice-pw').sendMail({ from: 'a@example.com', to: '15550001111@sms.localhost', text: '\n-- \nAlice' }),
    );
    expect(r.code).toBe(550);
    expect(r.response).toMatch(/5\.6\.0 the message is empty/);
  });

  it('refuses a user with no sender address at MAIL FROM', async () => {
    const r = await refusal(mailer(gw.smtpPort, 'erin', 'erin-pw').sendMail({ from: 'e@example.com', to: '15550001111@sms.localhost', text: 'x' }));
    expect(r.code).toBe(550);
    expect(r.response).toMatch(/no sender address: give the user a forced sender or a recipient address, or set sms\.defaultSender/);
  });

  it('answers 4xx once the daily limit is reached', async () => {
    const send = () => mailer(gw.smtpPort, 'dave', 'dave-pw').sendMail({ from: 'd@example.com', to: '15550001111@sms.localhost', text: 'count me' });
    // One of dave's two is spent by the forced-sender test when it ran first; fill up to the limit either way.
    for (let i = 0; i < 2; i++) await send().catch(() => undefined);
    const r = await refusal(send());
    expect(r.code).toBeGreaterThanOrEqual(400);
    expect(r.code).toBeLessThan(500);
    expect(r.response).toMatch(/limit/i);
  });

  it('counts what it did', () => {
    const s = gw.gateway.status()['smtp']!;
    expect(s.state).toBe('up');
    expect(s.listening).toEqual([`127.0.0.1:${gw.smtpPort}`]);
    expect(s.counters.sessions).toBeGreaterThan(5);
    expect(s.counters.accepted).toBeGreaterThan(5);
    expect(s.counters.rejected).toBeGreaterThan(3);
    expect(s.counters.authFailures).toBeGreaterThanOrEqual(2);
  });
});

describe('size limit', () => {
  let small: TestGateway;
  beforeAll(async () => {
    small = await startTestGateway({ pop3: false, smtp: { maxSizeBytes: 4096 }, users: [{ name: 'alice', password: 'pw', recipients: ['+15550009999'] }] });
  });
  afterAll(async () => {
    await small?.stop();
  });

  it('refuses a mail over maxSizeBytes with 552', async () => {
    const r = await refusal(
      mailer(small.smtpPort, 'alice', 'pw').sendMail({
        from: 'a@example.com',
        to: '+15550001111@mms.localhost',
        text: 'big',
        attachments: [{ filename: 'big.bin', content: Buffer.alloc(8000, 7) }],
      }),
    );
    expect(r.code).toBe(552);
    expect(r.response).toMatch(/limit is 4096 bytes/);
  });

  it('still takes a mail under it', async () => {
    const info = await mailer(small.smtpPort, 'alice', 'pw').sendMail({ from: 'a@example.com', to: '15550001111@sms.localhost', text: 'small' });
    expect(info.response).toMatch(/^250 2\.6\.0 accepted/);
  });
});
