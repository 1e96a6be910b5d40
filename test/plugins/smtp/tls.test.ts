// STARTTLS, requireTLS and the implicit-TLS port, with a throw-away certificate the clients verify.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import { mailer, stored } from './client.ts';
import { RawSmtp } from './raw-client.ts';

const users = [{ name: 'alice', password: 'alice-pw', recipients: ['+15550009999'] }];

function portAt(gw: TestGateway, index: number): number {
  const address = gw.gateway.status()['smtp']!.listening![index]!;
  return Number(address.slice(address.lastIndexOf(':') + 1));
}

describe('STARTTLS offered', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ pop3: false, tls: true, users });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('upgrades and delivers when the client asks for TLS', async () => {
    const ca = readFileSync(gw.tls!.certFile);
    const info = await mailer(gw.smtpPort, 'alice', 'alice-pw', { ignoreTLS: false, requireTLS: true, tls: { ca, servername: 'localhost' } }).sendMail({
      from: 'alice@example.com',
      to: '15550001111@sms.localhost',
      text: 'over TLS',
    });
    const [m] = await stored(gw, info.response);
    expect(m!.text).toBe('over TLS');
  });

  it('still lets a client log in without TLS when requireTLS is off', async () => {
    const info = await mailer(gw.smtpPort, 'alice', 'alice-pw').sendMail({ from: 'alice@example.com', to: '15550001111@sms.localhost', text: 'clear' });
    expect(info.response).toMatch(/^250 /);
  });
});

describe('requireTLS and the implicit-TLS port', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ pop3: false, tls: true, smtp: { requireTLS: true, tlsPort: 0 }, users });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('refuses AUTH and MAIL before STARTTLS, and takes them after', async () => {
    const { client } = await RawSmtp.connect(gw.smtpPort);
    try {
      expect((await client.command('EHLO c.test')).text).toMatch(/STARTTLS/);
      expect((await client.command(`AUTH PLAIN ${RawSmtp.plain('alice', 'alice-pw')}`)).code).toBe(538);
      expect((await client.command('MAIL FROM:<a@example.com>')).code).toBe(530);
      expect((await client.command('STARTTLS')).code).toBe(220);
      await client.startTls();
      await client.command('EHLO c.test');
      expect((await client.command(`AUTH PLAIN ${RawSmtp.plain('alice', 'alice-pw')}`)).code).toBe(235);
      expect((await client.command('MAIL FROM:<a@example.com>')).code).toBe(250);
      expect((await client.command('RCPT TO:<15550001111@sms.localhost>')).code).toBe(250);
    } finally {
      client.close();
    }
  });

  it('delivers over the implicit-TLS port', async () => {
    const ca = readFileSync(gw.tls!.certFile);
    const tlsPort = portAt(gw, 1);
    expect(tlsPort).not.toBe(gw.smtpPort);
    const info = await mailer(tlsPort, 'alice', 'alice-pw', { secure: true, tls: { ca, servername: 'localhost' } }).sendMail({
      from: 'alice@example.com',
      to: '15550001111@sms.localhost',
      text: 'implicit',
    });
    const [m] = await stored(gw, info.response);
    expect(m!.text).toBe('implicit');
  });
});

describe('without a certificate', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ pop3: false, users });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('offers no STARTTLS (smtp-server would otherwise use its public test key)', async () => {
    const { client } = await RawSmtp.connect(gw.smtpPort);
    try {
      expect((await client.command('EHLO c.test')).text).not.toMatch(/STARTTLS/);
      expect((await client.command('STARTTLS')).code).toBeGreaterThanOrEqual(500);
    } finally {
      client.close();
    }
  });

  it('will not start with requireTLS', async () => {
    await expect(startTestGateway({ pop3: false, smtp: { requireTLS: true }, users })).rejects.toMatchObject({
      code: 'NOWSMS_ERR_CONFIG',
      message: expect.stringMatching(/requireTLS needs a certificate/),
    });
  });
});
