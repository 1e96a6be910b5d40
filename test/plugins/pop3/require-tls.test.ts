// requireTLS: no USER, PASS or APOP before STLS (or on the POP3S port), checked with the raw client and
// with mpop, a strict client that verifies the certificate.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import { missingPeer } from '../../helpers/peers.ts';
import { RawPop3 } from './raw-client.ts';

const BOB = { name: 'bob', password: 'pw-bob', recipients: ['+15550001111'] };

describe('pop3 requireTLS', () => {
  let g: TestGateway;
  beforeAll(async () => {
    g = await startTestGateway({ smtp: false, tls: true, pop3: { requireTLS: true }, users: [BOB] });
    await g.inject('+15550002222', BOB.recipients[0]!, 'only over TLS');
  });
  afterAll(async () => {
    await g?.stop();
  });

  it('refuses USER and APOP in clear, hides USER from CAPA, and takes them after STLS', async () => {
    const { c, greeting } = await RawPop3.open(g.pop3Port);
    try {
      const caps = (await c.multi('CAPA')).body.toString();
      expect(caps).toContain('STLS');
      expect(caps).not.toMatch(/^USER\r$/m);
      expect(await c.cmd('USER bob')).toBe('-ERR [AUTH] this server takes passwords over TLS only: issue STLS first');
      const stamp = /<[^>]+>$/.exec(greeting)![0];
      const digest = createHash('md5')
        .update(stamp + BOB.password)
        .digest('hex');
      expect(await c.cmd(`APOP bob ${digest}`)).toBe('-ERR [AUTH] this server takes passwords over TLS only: issue STLS first');
      expect(await c.cmd('STLS')).toBe('+OK begin TLS negotiation');
      await c.startTls();
      expect((await c.multi('CAPA')).body.toString()).toMatch(/^USER\r$/m);
      expect(await c.cmd('USER bob')).toBe('+OK send PASS');
      expect(await c.cmd('PASS pw-bob')).toMatch(/^\+OK bob's maildrop has 1 message/);
    } finally {
      c.destroy();
    }
  });

  it.skipIf(missingPeer('mpop'))('lets mpop fetch with STARTTLS, and refuses it without', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nowsms-mpop-'));
    const maildir = path.join(dir, 'Maildir');
    for (const sub of ['cur', 'new', 'tmp']) mkdirSync(path.join(maildir, sub), { recursive: true });
    const rc = (tls: boolean) => {
      const file = path.join(dir, `mpoprc-${tls}`);
      const lines = ['account default', 'host 127.0.0.1', `port ${g.pop3Port}`, 'user bob', `password ${BOB.password}`, 'auth user'];
      if (tls) lines.push('tls on', 'tls_starttls on', `tls_trust_file ${g.tls!.certFile}`, 'tls_host_override localhost');
      else lines.push('tls off');
      lines.push(`delivery maildir ${maildir}`, `uidls_file ${path.join(dir, 'uidls')}`, 'keep on', '');
      writeFileSync(file, lines.join('\n'), { mode: 0o600 });
      return file;
    };
    const mpop = (file: string) =>
      new Promise<{ code: number; out: string }>((resolve) =>
        execFile('mpop', ['-C', file], { env: { ...process.env, HOME: dir }, timeout: 30_000 }, (err, stdout, stderr) =>
          resolve({ code: err ? Number(err.code ?? 1) : 0, out: stdout + stderr }),
        ),
      );
    const clear = await mpop(rc(false));
    expect(clear.code).not.toBe(0);
    expect(clear.out).toMatch(/-ERR \[AUTH\] this server takes passwords over TLS only/);
    expect(readdirSync(path.join(maildir, 'new'))).toHaveLength(0);
    const secured = await mpop(rc(true));
    expect(secured.code).toBe(0);
    expect(readdirSync(path.join(maildir, 'new'))).toHaveLength(1);
  });

  it('will not start without a certificate', async () => {
    await expect(startTestGateway({ smtp: false, pop3: { requireTLS: true }, users: [BOB] })).rejects.toMatchObject({
      code: 'NOWSMS_ERR_CONFIG',
      message: expect.stringMatching(/plugins\.pop3\.requireTLS needs a certificate/),
    });
  });
});
