// Users: accounts kept whole (credentials as given: the store never sees a password), routing numbers to
// the users who receive, tombstones for config-declared users, and other handles' changes seen.
import { describe, expect, it } from 'vitest';
import type { UserStore } from '../../core/index.ts';
import { storeFactories } from './factories.ts';
import { storeHarness } from './factory.ts';
import { user } from './fixtures.ts';

/** Polls `check` until it holds, for what another handle changed (each store bounds how stale its cache may be). */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`not seen within 10 s: ${what}`);
}

const named = async (users: UserStore, recipient: string) => (await users.findByRecipient(recipient))?.name;

for (const factory of storeFactories) {
  describe(`${factory.name} store contract: users`, () => {
    const h = storeHarness(factory);

    it('keeps every field of an account across a restart, the credentials exactly as given', async () => {
      const store = await h.open();
      const full = user({
        name: 'alice',
        fullName: 'Alice Ångström',
        smppLogin: true,
        httpLogin: true,
        httpAdmin: true,
        rights: ['xmpp', 'mqtt'],
        recipients: ['+15550003333', '+15550001111'],
        forcedSender: 'ACME',
        dailyLimit: 100,
        monthlyLimit: 1000,
        credits: 0,
        allowIps: ['10.0.0.0/8', '192.168.1.5'],
        source: 'config',
        credentials: { passwordHash: 'scrypt$16384$8$1$c2FsdA==$aGFzaA==', apopSecret: 'enc:abc' },
        configHash: 'h1',
      });
      await store.stores.users.put(full);
      const again = await h.reopen(store);
      expect(await again.stores.users.get('alice')).toEqual(full);
      expect(await again.stores.users.get('nobody')).toBeUndefined();
    });

    it('put replaces the whole account, recipients included', async () => {
      const { stores } = await h.open();
      await stores.users.put(user({ recipients: ['+1555000111'], fullName: 'Old', credits: 5 }));
      await stores.users.put(user({ recipients: ['+1555000222'] }));
      expect(await stores.users.get('alice')).toEqual(user({ recipients: ['+1555000222'] }));
      expect(await stores.users.findByRecipient('+1555000111')).toBeUndefined();
      expect(await named(stores.users, '+1555000222')).toBe('alice');
    });

    it('lists accounts by name', async () => {
      const { stores } = await h.open();
      for (const name of ['carol', 'alice', 'bob']) await stores.users.put(user({ name }));
      expect((await stores.users.list()).map((u) => u.name)).toEqual(['alice', 'bob', 'carol']);
    });

    it('routes a number only to a user who receives', async () => {
      const { stores } = await h.open();
      await stores.users.put(user({ name: 'alice', recipients: ['+15550001111'], receive: true }));
      await stores.users.put(user({ name: 'bob', recipients: ['+15550002222'], receive: false }));
      expect(await named(stores.users, '+15550001111')).toBe('alice');
      expect(await stores.users.findByRecipient('+15550002222')).toBeUndefined();
      expect(await stores.users.findByRecipient('+15559999999')).toBeUndefined();
    });

    it('a tombstoned user vanishes from the list and from routing, but is remembered as removed', async () => {
      const { stores } = await h.open();
      await stores.users.put(user({ name: 'alice', recipients: ['+15550001111'], source: 'config' }));
      await stores.users.put(user({ name: 'bob' }));
      expect(await stores.users.remove('alice', { tombstone: true })).toBe(true);

      expect((await stores.users.list()).map((u) => u.name)).toEqual(['bob']);
      expect(await stores.users.findByRecipient('+15550001111')).toBeUndefined();
      expect((await stores.users.list({ includeRemoved: true })).map((u) => u.name)).toEqual(['alice', 'bob']);
      expect(await stores.users.get('alice')).toMatchObject({ name: 'alice', removed: true });

      // Declaring it again (a put without removed) brings it back, routing included.
      await stores.users.put(user({ name: 'alice', recipients: ['+15550001111'], source: 'config' }));
      expect(await named(stores.users, '+15550001111')).toBe('alice');
    });

    it('a hard remove forgets the user and its numbers', async () => {
      const { stores } = await h.open();
      await stores.users.put(user({ name: 'carol', recipients: ['+15550004444'] }));
      expect(await stores.users.remove('carol')).toBe(true);
      expect(await stores.users.get('carol')).toBeUndefined();
      expect(await stores.users.findByRecipient('+15550004444')).toBeUndefined();
      expect(await stores.users.remove('carol')).toBe(false);
    });

    it('hands out copies: changing one does not change the account', async () => {
      const { stores } = await h.open();
      await stores.users.put(user({ name: 'ned', recipients: ['+15550006666'] }));
      const got = (await stores.users.get('ned'))!;
      got.recipients.push('+15550007777');
      got.credentials.passwordHash = 'changed';
      got.fullName = 'Changed';
      expect(await stores.users.get('ned')).toEqual(user({ name: 'ned', recipients: ['+15550006666'] }));
    });

    it('sees accounts changed through another handle (the CLI beside a gateway, another node)', async () => {
      const gateway = await h.open();
      const cli = await h.peer(gateway);
      const users = gateway.stores.users;
      expect(await users.get('max')).toBeUndefined();
      expect(await users.findByRecipient('+15550005555')).toBeUndefined();
      await cli.stores.users.put(user({ name: 'max', recipients: ['+15550005555'] }));
      await eventually(async () => (await named(users, '+15550005555')) === 'max', 'a new user');
      expect((await users.get('max'))?.name).toBe('max');

      await cli.stores.users.put(user({ name: 'max', recipients: ['+15550005555'], receive: false }));
      await eventually(async () => (await users.findByRecipient('+15550005555')) === undefined, 'a changed user');
      await cli.stores.users.remove('max');
      await eventually(async () => (await users.list()).length === 0, 'a removed user');
    });
  });
}
