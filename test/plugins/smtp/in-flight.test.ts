// The cap on bytes of mail held at once (maxBytesInFlight): while large mails are being read, the next
// one is told to come back later (452 at RCPT, 451 when found out during DATA) instead of growing the
// gateway; once they are stored, mail is taken again. Raw SMTP, so that a mail can be held half-sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { optionsSchema } from '../../../plugins/smtp/options.ts';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import { waitFor } from '../../helpers/wait.ts';
import { RawSmtp } from './raw-client.ts';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({
    pop3: false,
    users: [{ name: 'alice', password: 'alice-pw', recipients: ['+15550009999'] }],
    smtp: { maxSizeBytes: 100_000, maxBytesInFlight: 150_000 },
  });
});

afterAll(async () => {
  await gw?.stop();
});

const inFlight = () => gw.gateway.status().smtp!.counters!.bytesInFlight as number;

async function session(): Promise<RawSmtp> {
  const { client } = await RawSmtp.connect(gw.smtpPort);
  expect((await client.command('EHLO test')).code).toBe(250);
  expect((await client.command(`AUTH PLAIN ${RawSmtp.plain('alice', 'alice-pw')}`)).code).toBe(235);
  return client;
}

/** A mail of about `size` bytes to an MMS number: a text body of 100-byte lines. */
function mail(size: number): string {
  const line = 'x'.repeat(98) + '\r\n';
  return 'Subject: big\r\nContent-Type: text/plain\r\n\r\n' + line.repeat(Math.ceil(size / line.length));
}

describe('maxBytesInFlight', () => {
  it('defers new mail with 452 at RCPT and 451 during DATA while the cap is reached, then takes mail again', async () => {
    const a = await session();
    await a.command('MAIL FROM:<alice@example.com>');
    expect((await a.command('RCPT TO:<447700900123@mms.localhost>')).code).toBe(250);
    expect((await a.command('DATA')).code).toBe(354);
    a.write(mail(90_000));
    await waitFor('the first mail in flight', () => inFlight() >= 90_000);

    // A client that declares its size is told at RCPT, before it sends anything.
    const b = await session();
    expect((await b.command('MAIL FROM:<alice@example.com> SIZE=70000')).code).toBe(250);
    const deferred = await b.command('RCPT TO:<447700900124@mms.localhost>');
    expect(deferred.code).toBe(452);
    expect(deferred.text).toMatch(/^452 4\.3\.1 .*maxBytesInFlight.*try again later/);

    // One that does not is told at the end of DATA; the gateway did not keep its bytes.
    const c = await session();
    await c.command('MAIL FROM:<alice@example.com>');
    expect((await c.command('RCPT TO:<447700900125@mms.localhost>')).code).toBe(250);
    expect((await c.command('DATA')).code).toBe(354);
    c.write(mail(70_000));
    const late = await c.command('.');
    expect(late.code).toBe(451);
    expect(late.text).toMatch(/^451 4\.3\.1 .*maxBytesInFlight.*send it again later/);

    // The first mail is stored whole, and what it held is given back.
    const done = await a.command('.');
    expect(done.text).toMatch(/^250 2\.6\.0 accepted as /);
    await waitFor('nothing in flight', () => inFlight() === 0);

    // The deferred client's retry goes through.
    await b.command('RSET');
    expect((await b.command('MAIL FROM:<alice@example.com> SIZE=70000')).code).toBe(250);
    expect((await b.command('RCPT TO:<447700900124@mms.localhost>')).code).toBe(250);
    expect((await b.command('DATA')).code).toBe(354);
    b.write(mail(69_000));
    expect((await b.command('.')).text).toMatch(/^250 2\.6\.0 accepted as /);
    for (const s of [a, b, c]) s.close();
    await waitFor('sessions gone, nothing held', () => inFlight() === 0);
  });

  it('gives back what a session held when it disconnects mid-DATA, and stores nothing of that mail', async () => {
    const before = (await gw.gateway.stores.messages.list()).length;
    const a = await session();
    await a.command('MAIL FROM:<alice@example.com>');
    await a.command('RCPT TO:<447700900126@mms.localhost>');
    await a.command('DATA');
    a.write(mail(50_000));
    await waitFor('the mail in flight', () => inFlight() >= 50_000);
    a.close();
    await waitFor('nothing in flight', () => inFlight() === 0);

    // A whole mail after it is stored, and it alone.
    const b = await session();
    await b.command('MAIL FROM:<alice@example.com>');
    await b.command('RCPT TO:<447700900127@mms.localhost>');
    await b.command('DATA');
    b.write(mail(1_000));
    expect((await b.command('.')).code).toBe(250);
    b.close();
    const after = await gw.gateway.stores.messages.list();
    expect(after.length).toBe(before + 1);
    expect(after.map((m) => m.to)).not.toContain('+447700900126');
  });

  it('is refused in the config when below maxSizeBytes, naming both', () => {
    const r = optionsSchema.safeParse({ maxSizeBytes: 1000, maxBytesInFlight: 999 });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]).toMatchObject({ path: ['maxBytesInFlight'], message: expect.stringMatching(/at least maxSizeBytes/) });
    // Unset, it grows with a maxSizeBytes above its default, so that such a mail can always be taken.
    expect(optionsSchema.parse({ maxSizeBytes: 100 * 1024 * 1024 }).maxBytesInFlight).toBe(100 * 1024 * 1024);
    expect(optionsSchema.parse({}).maxBytesInFlight).toBe(64 * 1024 * 1024);
  });
});
