// The story: alice e-mails an SMS to bob's number; bob reads it over POP3 and presses Reply; alice
// gets the answer. Real sockets, nodemailer as the sending e-mail client, curl as the POP3 client.
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { fetchAll } from '../helpers/pop3-fetch.ts';
import { missingPeer } from '../helpers/peers.ts';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({
    users: [
      { name: 'alice', password: 'alice-pw', recipients: ['+15550002222'] },
      { name: 'bob', password: 'bob-pw', recipients: ['+1 555-000 1111'] },
    ],
  });
});
afterAll(() => gw.stop());

function mailer(user: string, pass: string) {
  return nodemailer.createTransport({ host: '127.0.0.1', port: gw.smtpPort, secure: false, ignoreTLS: true, auth: { user, pass } });
}

describe.skipIf(missingPeer('curl'))('e-mail to SMS and back', () => {
  it('alice -> bob -> Reply -> alice', async () => {
    await mailer('alice', 'alice-pw').sendMail({
      from: 'alice@example.org',
      to: '15550001111@sms.localhost',
      subject: 'Lunch?',
      text: 'Are we still on for 12:30?',
    });

    const [received, ...more] = await fetchAll(gw.pop3Port, 'bob', 'bob-pw');
    expect(more).toHaveLength(0);
    expect(received!.from!.value[0]!.address).toBe('+15550002222@sms.localhost');
    expect(received!.text!.trim()).toBe('Lunch?\nAre we still on for 12:30?');
    expect(received!.subject).toMatch(/^SMS from \+15550002222/);

    // What an e-mail client does on Reply: To = the From, "Re:" subject, the original quoted below.
    const quoted = received!
      .text!.trim()
      .split('\n')
      .map((l) => `> ${l}`)
      .join('\n');
    await mailer('bob', 'bob-pw').sendMail({
      from: 'bob@example.org',
      to: received!.from!.value[0]!.address!,
      subject: `Re: ${received!.subject}`,
      inReplyTo: received!.messageId!,
      text: `Yes, see you there.\n\nOn Thu, 26 Nov 2026 at 12:00, +15550002222 wrote:\n${quoted}\n`,
    });

    const [answer] = await fetchAll(gw.pop3Port, 'alice', 'alice-pw', { apop: true });
    expect(answer!.from!.value[0]!.address).toBe('+15550001111@sms.localhost');
    expect(answer!.text!.trim()).toBe('Yes, see you there.');
  });

  it("an SMS received from the network for bob's number reaches bob", async () => {
    await gw.inject('+447700900123', '15550001111', 'Your parcel arrives today 🚚');
    const mails = await fetchAll(gw.pop3Port, 'bob', 'bob-pw');
    const last = mails.at(-1)!;
    expect(last.from!.value[0]!.address).toBe('+447700900123@sms.localhost');
    expect(last.text!.trim()).toBe('Your parcel arrives today 🚚');
  });

  it('mail to a number nobody receives waits as no-route, visible', async () => {
    const info = await mailer('alice', 'alice-pw').sendMail({ from: 'alice@example.org', to: '+33600000000@sms.localhost', text: 'bonjour' });
    expect(info.accepted).toHaveLength(1);
    const [m] = await gw.gateway.stores.messages.list({ user: 'alice', limit: 1 });
    expect(m!.to).toBe('+33600000000');
    expect(m!.status).toBe('no-route');
  });

  it('an SMS from the network for a number nobody receives is kept as received, not queued to send', async () => {
    const before = await gw.gateway.stores.queues.counts();
    const id = await gw.inject('+447700900123', '+15559990000', 'anyone there?');
    const m = await gw.gateway.stores.messages.summary(id);
    expect(m!.status).toBe('received');
    expect(await gw.gateway.stores.queues.counts()).toEqual(before);
  });
});
