// RFC 1939 section 7: the APOP digest, checked with the gateway's own auth module, and the greeting's
// timestamp shape that clients such as mpop insist on.
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAuth } from '../../../core/auth.ts';
import { silentLogger } from '../../../core/log.ts';
import type { StoredUser, UserStore } from '../../../core/index.ts';
import { apopTimestamp, msgIdHost } from '../../../plugins/pop3/timestamp.ts';
import { readVectors } from '../../helpers/vectors.ts';

interface ApopVector {
  id: string;
  greeting: string;
  timestamp: string;
  user: string;
  shared_secret: string;
  command: string;
  expected_digest: string;
}

const { cases } = readVectors<{ cases: ApopVector[] }>('pop3_smtp/rfc1939_apop.json');

describe('RFC 1939 APOP vector', () => {
  it.each(cases)('$id: digest = md5(timestamp + secret)', async (v) => {
    expect(v.greeting.endsWith(v.timestamp)).toBe(true);
    expect(
      createHash('md5')
        .update(v.timestamp + v.shared_secret)
        .digest('hex'),
    ).toBe(v.expected_digest);
    expect(v.command).toBe(`APOP ${v.user} ${v.expected_digest}`);

    const auth = createAuth({
      users: () => users,
      dataDir: mkdtempSync(path.join(os.tmpdir(), 'nowsms-apop-')),
      apop: true,
      failureDelayMs: 0,
      log: silentLogger(),
    });
    const user: StoredUser = {
      name: v.user,
      smtpLogin: true,
      smppLogin: false,
      receive: true,
      recipients: [],
      allowIps: [],
      source: 'config',
      credentials: await auth.credentials(v.shared_secret),
    };
    const users = { get: async (n: string) => (n === user.name ? user : undefined) } as UserStore;
    const ctx = { service: 'pop3' as const, ip: '127.0.0.1' };
    expect((await auth.apop(v.user, v.timestamp, v.expected_digest, ctx))?.name).toBe(v.user);
    expect(await auth.apop(v.user, v.timestamp, v.expected_digest.toUpperCase(), ctx)).toBeDefined();
    expect(await auth.apop(v.user, '<1896.697170953@dbc.mtview.ca.us>', v.expected_digest, ctx)).toBeUndefined();
  });
});

describe('apopTimestamp', () => {
  it('has the RFC shape <pid.clock@host> and never repeats', () => {
    const a = apopTimestamp('pop.example', 1000);
    const b = apopTimestamp('pop.example', 1000);
    expect(a).toMatch(new RegExp(`^<${process.pid}\\.\\d+@pop\\.example>$`));
    expect(b).not.toBe(a);
  });

  it('makes any host name usable in a msg-id', () => {
    expect(msgIdHost('my_box.local')).toBe('my-box.local');
    expect(msgIdHost('')).toBe('localhost');
  });
});
