import { describe, expect, it } from 'vitest';
import { USERS_RECHECK_MS } from '../../../plugins/store-sqlite/users.ts';
import { close, open, tempFile, user } from './helpers.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('store-sqlite users', () => {
  it('keeps every field of an account across a restart', async () => {
    const file = await tempFile();
    const store = await open(file);
    const full = user({
      name: 'alice',
      fullName: 'Alice Ångström',
      smppLogin: true,
      recipients: ['+15550003333', '+15550001111'],
      forcedSender: 'ACME',
      dailyLimit: 100,
      monthlyLimit: 1000,
      credits: 0,
      allowIps: ['10.0.0.0/8', '192.168.1.5'],
      source: 'config',
      credentials: { passwordHash: 'scrypt$x', apopSecret: 'enc:abc' },
      configHash: 'h1',
    });
    await store.users.put(full);
    await close(store);
    const again = await open(file);
    expect(await again.users.get('alice')).toEqual(full);
    expect(await again.users.get('nobody')).toBeUndefined();
  });

  it('put replaces the whole account, recipients included', async () => {
    const store = await open(await tempFile());
    await store.users.put(user({ recipients: ['+1555000111'], fullName: 'Old', credits: 5 }));
    await store.users.put(user({ recipients: ['+1555000222'] }));
    const got = await store.users.get('alice');
    expect(got).toEqual(user({ recipients: ['+1555000222'] }));
    expect(await store.users.findByRecipient('+1555000111')).toBeUndefined();
    expect((await store.users.findByRecipient('+1555000222'))?.name).toBe('alice');
  });

  it('routes a number only to a user who receives', async () => {
    const store = await open(await tempFile());
    await store.users.put(user({ name: 'alice', recipients: ['+15550001111'], receive: true }));
    await store.users.put(user({ name: 'bob', recipients: ['+15550002222'], receive: false }));
    expect((await store.users.findByRecipient('+15550001111'))?.name).toBe('alice');
    expect(await store.users.findByRecipient('+15550002222')).toBeUndefined();
    expect(await store.users.findByRecipient('+15559999999')).toBeUndefined();
  });

  it('a tombstoned user vanishes from the list and from routing, but is remembered as removed', async () => {
    const store = await open(await tempFile());
    await store.users.put(user({ name: 'alice', recipients: ['+15550001111'], source: 'config' }));
    await store.users.put(user({ name: 'bob' }));
    expect(await store.users.remove('alice', { tombstone: true })).toBe(true);

    expect((await store.users.list()).map((u) => u.name)).toEqual(['bob']);
    expect(await store.users.findByRecipient('+15550001111')).toBeUndefined();
    expect((await store.users.list({ includeRemoved: true })).map((u) => u.name)).toEqual(['alice', 'bob']);
    expect(await store.users.get('alice')).toMatchObject({ name: 'alice', removed: true });

    // Declaring it again (a put without removed) brings it back, routing included.
    await store.users.put(user({ name: 'alice', recipients: ['+15550001111'], source: 'config' }));
    expect((await store.users.findByRecipient('+15550001111'))?.name).toBe('alice');
  });

  it('sees users changed through another handle on the file (the CLI beside a gateway) within USERS_RECHECK_MS', async () => {
    const file = await tempFile();
    const [gateway, cli] = [await open(file), await open(file)];
    expect(await gateway.users.get('max')).toBeUndefined();
    expect(await gateway.users.findByRecipient('+15550005555')).toBeUndefined();
    await cli.users.put(user({ name: 'max', recipients: ['+15550005555'] }));
    await sleep(USERS_RECHECK_MS + 50);
    expect((await gateway.users.get('max'))?.name).toBe('max');
    expect((await gateway.users.findByRecipient('+15550005555'))?.name).toBe('max');

    await cli.users.put(user({ name: 'max', recipients: ['+15550005555'], receive: false }));
    await sleep(USERS_RECHECK_MS + 50);
    expect(await gateway.users.findByRecipient('+15550005555')).toBeUndefined();
    await cli.users.remove('max');
    await sleep(USERS_RECHECK_MS + 50);
    expect(await gateway.users.list()).toEqual([]);
  });

  it('hands out copies: changing one does not change the account', async () => {
    const store = await open(await tempFile());
    await store.users.put(user({ name: 'ned', recipients: ['+15550006666'] }));
    const got = (await store.users.get('ned'))!;
    got.recipients.push('+15550007777');
    got.credentials.passwordHash = 'changed';
    got.fullName = 'Changed';
    expect(await store.users.get('ned')).toEqual(user({ name: 'ned', recipients: ['+15550006666'] }));
  });

  it('a hard remove forgets the user and its numbers', async () => {
    const store = await open(await tempFile());
    await store.users.put(user({ name: 'carol', recipients: ['+15550004444'] }));
    expect(await store.users.remove('carol')).toBe(true);
    expect(await store.users.get('carol')).toBeUndefined();
    expect(await store.users.findByRecipient('+15550004444')).toBeUndefined();
    expect(await store.users.remove('carol')).toBe(false);
  });
});
