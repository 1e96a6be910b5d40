// SQLite specifics of users: how soon this process's cache sees another handle's changes. Accounts, routing
// and tombstones are in the store contract suite (test/store-contract).
import { describe, expect, it } from 'vitest';
import { USERS_RECHECK_MS } from '../../../plugins/store-sqlite/users.ts';
import { open, tempFile, user } from './helpers.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('store-sqlite users', () => {
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
});
