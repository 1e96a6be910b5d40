import { randomBytes } from 'node:crypto';
import { mkdtempSync, statSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig, type NowsmsConfig } from '../../core/config.ts';
import { Gateway } from '../../core/gateway.ts';
import type { Service } from '../../core/auth.ts';
import { silentLogger } from '../../core/log.ts';
import { addUser, removeUser, setUser } from '../../core/users.ts';
import { sqliteStore } from '../../plugins/store-sqlite/index.ts';

async function open(dataDir: string, extra: Partial<NowsmsConfig> = {}) {
  const config = resolveConfig(
    { dataDir, log: { level: 'silent' }, security: { authFailureDelayMs: 0, apop: true }, ...extra, plugins: [sqliteStore()] },
    dataDir,
  );
  return { gw: await Gateway.open(config, { log: silentLogger() }), config };
}

const ctx = { service: 'pop3' as const, ip: '127.0.0.1' };

describe('users', () => {
  it('never keeps a password in plain text, and the APOP key is private to the owner', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nowsms-users-'));
    const { gw, config } = await open(dir);
    await addUser(gw.stores.users, gw.auth, config, 'alice', { password: 'Sup3r-secret', smtpLogin: true });
    await gw.stop();
    const db = readFileSync(path.join(dir, 'nowsms.db'));
    expect(db.includes(Buffer.from('Sup3r-secret'))).toBe(false);
    expect(statSync(path.join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
  });

  it('refuses to open with a secret key that opens none of the stored APOP secrets, unless APOP is off', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nowsms-users-'));
    const { gw, config } = await open(dir);
    await addUser(gw.stores.users, gw.auth, config, 'alice', { password: 'pw', smtpLogin: true });
    await gw.stop();
    const keyFile = path.join(dir, 'secret.key');
    const original = readFileSync(keyFile);
    // A data dir restored without its key, or a second node that made its own.
    writeFileSync(keyFile, randomBytes(32).toString('base64') + '\n');
    await expect(open(dir)).rejects.toThrow(/secret\.key is not the key the stored passwords were sealed with/);
    // The way out when the key is lost: USER/PASS logins need no key.
    const noApop = await open(dir, { security: { authFailureDelayMs: 0, apop: false } });
    expect((await noApop.gw.auth.login('alice', 'pw', ctx))?.name).toBe('alice');
    await noApop.gw.stop();
    writeFileSync(keyFile, original);
    const again = await open(dir);
    expect((await again.gw.auth.login('alice', 'pw', ctx))?.name).toBe('alice');
    await again.gw.stop();
  });

  it('checks passwords, the SMTP-login flag and the IP allow-list', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nowsms-users-'));
    const { gw, config } = await open(dir);
    await addUser(gw.stores.users, gw.auth, config, 'alice', { password: 'pw', smtpLogin: true });
    await addUser(gw.stores.users, gw.auth, config, 'carol', { password: 'pw', smtpLogin: false });
    await addUser(gw.stores.users, gw.auth, config, 'dave', { password: 'pw', smtpLogin: true, allowIps: ['10.0.0.0/8'] });
    expect((await gw.auth.login('alice', 'pw', ctx))?.name).toBe('alice');
    expect(await gw.auth.login('alice', 'wrong', ctx)).toBeUndefined();
    expect(await gw.auth.login('carol', 'pw', ctx)).toBeUndefined();
    expect(await gw.auth.login('dave', 'pw', ctx)).toBeUndefined();
    expect((await gw.auth.login('dave', 'pw', { ...ctx, ip: '::ffff:10.1.2.3' }))?.name).toBe('dave');
    await gw.stop();
  });

  it("lets a user log in to a plug-in's service only with its login right, which set grants and takes away", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nowsms-users-'));
    const { gw, config } = await open(dir);
    // A service a plug-in declared (interface LoginRights): SMTP login is not enough for it.
    const xmpp = { service: 'xmpp' as Service, ip: '127.0.0.1' };
    await addUser(gw.stores.users, gw.auth, config, 'alice', { password: 'pw', smtpLogin: true, smppLogin: true, httpLogin: true });
    expect(await gw.auth.loginVerdict('alice', 'pw', xmpp)).toEqual({ refused: 'service' });
    await setUser(gw.stores.users, gw.auth, config, 'alice', { rights: ['xmpp', 'xmpp'] });
    expect((await gw.stores.users.get('alice'))?.rights).toEqual(['xmpp']);
    expect((await gw.auth.login('alice', 'pw', xmpp))?.name).toBe('alice');
    // Core's services keep their own rights.
    await setUser(gw.stores.users, gw.auth, config, 'alice', { smtpLogin: false });
    expect(await gw.auth.login('alice', 'pw', ctx)).toBeUndefined();
    expect((await gw.auth.login('alice', 'pw', xmpp))?.name).toBe('alice');
    await setUser(gw.stores.users, gw.auth, config, 'alice', { rights: [] });
    expect(await gw.auth.loginVerdict('alice', 'pw', xmpp)).toEqual({ refused: 'service' });
    await gw.stop();
  });

  it('a changed password takes effect at once, even for a password just verified', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nowsms-users-'));
    const { gw, config } = await open(dir);
    await addUser(gw.stores.users, gw.auth, config, 'alice', { password: 'old-pw', smtpLogin: true });
    expect((await gw.auth.login('alice', 'old-pw', ctx))?.name).toBe('alice');
    await setUser(gw.stores.users, gw.auth, config, 'alice', { password: 'new-pw' });
    expect(await gw.auth.login('alice', 'old-pw', ctx)).toBeUndefined();
    expect((await gw.auth.login('alice', 'new-pw', ctx))?.name).toBe('alice');
    await setUser(gw.stores.users, gw.auth, config, 'alice', { smtpLogin: false });
    expect(await gw.auth.login('alice', 'new-pw', ctx)).toBeUndefined();
    await gw.stop();
  });

  it('normalises recipient addresses and refuses a number another user already has', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nowsms-users-'));
    const { gw, config } = await open(dir);
    await addUser(gw.stores.users, gw.auth, config, 'bob', { password: 'pw', recipients: ['+1 555-000 1111'] });
    expect((await gw.stores.users.findByRecipient('+15550001111'))?.name).toBe('bob');
    await expect(addUser(gw.stores.users, gw.auth, config, 'eve', { password: 'pw', recipients: ['15550001111'] })).rejects.toThrow(
      /already belongs to user bob/,
    );
    await gw.stop();
  });

  it('a restart never undoes a CLI change to a config-declared user; a changed declaration applies', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nowsms-users-'));
    const declared = { users: [{ name: 'bob', password: 'pw1', smtpLogin: true, recipients: ['+15550001111'] }] };
    let { gw, config } = await open(dir, declared);
    expect((await gw.stores.users.get('bob'))?.source).toBe('config');
    await setUser(gw.stores.users, gw.auth, config, 'bob', { password: 'cli-pw', fullName: 'Bob B.' });
    await gw.stop();

    ({ gw, config } = await open(dir, declared));
    expect((await gw.stores.users.get('bob'))?.fullName).toBe('Bob B.');
    expect((await gw.auth.login('bob', 'cli-pw', ctx))?.name).toBe('bob');
    expect(await removeUser(gw.stores.users, 'bob')).toBe(true);
    await gw.stop();

    ({ gw, config } = await open(dir, declared));
    expect(await gw.stores.users.get('bob').then((u) => u && !u.removed)).toBeFalsy();
    expect(await gw.stores.users.findByRecipient('+15550001111')).toBeUndefined();
    await gw.stop();

    ({ gw, config } = await open(dir, { users: [{ name: 'bob', password: 'pw2', smtpLogin: true, recipients: ['+15550001111'] }] }));
    expect((await gw.auth.login('bob', 'pw2', ctx))?.name).toBe('bob');
    expect((await gw.stores.users.findByRecipient('+15550001111'))?.name).toBe('bob');
    await gw.stop();
  });
});

describe('config errors', () => {
  it('name the field and what is expected', () => {
    expect(() => resolveConfig({ domains: { sms: 42 } }, '/tmp')).toThrow(/domains\.sms: .*string/i);
    expect(() => resolveConfig({ sms: { maxSegments: 0 } }, '/tmp')).toThrow(/sms\.maxSegments/);
    expect(() => resolveConfig({ smtpPort: 25 }, '/tmp')).toThrow(/smtpPort/);
    expect(() => resolveConfig({ users: [{ name: 'x' }] }, '/tmp')).toThrow(/users\.0\.password/);
    expect(() => resolveConfig({ plugins: [() => {}] }, '/tmp')).toThrow(/plugins\.0: .*factory/);
  });
});
