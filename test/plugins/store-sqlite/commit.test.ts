import { describe, expect, it } from 'vitest';
import { isNowsmsError, type CommitItem } from '../../../core/index.ts';
import { open, sms, tempFile, user } from './helpers.ts';

const toSmsc = (u: string): CommitItem => ({ message: sms({ user: u }), target: { kind: 'connection', id: 'smsc1' } });

describe('store-sqlite commit', () => {
  it('200 concurrent commits all land; one over its daily limit fails alone and the others commit', async () => {
    const store = await open(await tempFile());
    // alice already sent her one message of the day
    await store.messages.commit([toSmsc('alice')], { user: 'alice', messages: 1, dailyLimit: 1 });

    const items = Array.from({ length: 200 }, (_, i) => toSmsc(i === 100 ? 'alice' : 'bob'));
    // Issued in one turn, so they share one group commit: alice's is a savepoint in the middle of it.
    const results = await Promise.allSettled(
      items.map((item, i) => store.messages.commit([item], i === 100 ? { user: 'alice', messages: 1, dailyLimit: 1 } : { user: 'bob', messages: 1 })),
    );

    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [[i, r.reason] as const] : []));
    expect(failed.map(([i]) => i)).toEqual([100]);
    const reason = failed[0]![1];
    expect(isNowsmsError(reason, 'NOWSMS_ERR_LIMIT')).toBe(true);
    expect(reason.temporary).toBe(true);
    expect(reason.message).toBe('alice has reached the daily limit of 1 message: try again tomorrow (UTC) or raise dailyLimit');

    for (const [i, item] of items.entries()) {
      expect(await store.messages.get(item.message.id), `message ${i}`).toEqual(i === 100 ? undefined : item.message);
    }
    expect((await store.queues.counts()).smsc1).toEqual({ queued: 200, retrying: 0 }); // 199 + alice's first
  });

  it('two handles on one file (the CLI beside a running gateway) both commit: one waits for the other’s lock', async () => {
    const file = await tempFile();
    const [gateway, cli] = [await open(file), await open(file)];
    const items = Array.from({ length: 200 }, () => toSmsc('bob'));
    await Promise.all(items.map((item, i) => (i % 2 ? gateway : cli).messages.commit([item])));
    expect(await gateway.messages.list({ limit: 1000 })).toHaveLength(200);
  });

  it('a burst counts against the limit message by message', async () => {
    const store = await open(await tempFile());
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => store.messages.commit([toSmsc('carol')], { user: 'carol', messages: 1, dailyLimit: 15, monthlyLimit: 100 })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(15);
    expect(await store.messages.list({ user: 'carol' })).toHaveLength(15);
  });

  it('refuses past the monthly limit, temporarily', async () => {
    const store = await open(await tempFile());
    await store.messages.commit([toSmsc('dan'), toSmsc('dan')], { user: 'dan', messages: 2, monthlyLimit: 3 });
    await expect(store.messages.commit([toSmsc('dan'), toSmsc('dan')], { user: 'dan', messages: 2, monthlyLimit: 3 })).rejects.toMatchObject({
      code: 'NOWSMS_ERR_LIMIT',
      temporary: true,
      message: 'dan has reached the monthly limit of 3 messages: try again next month (UTC) or raise monthlyLimit',
    });
  });

  it('spends credits, and refuses permanently when they run out, charging nothing', async () => {
    const store = await open(await tempFile());
    await store.users.put(user({ name: 'erin', credits: 3 }));
    await store.messages.commit([toSmsc('erin'), toSmsc('erin')], { user: 'erin', messages: 2 });
    expect((await store.users.get('erin'))!.credits).toBe(1);

    const tooMany = [toSmsc('erin'), toSmsc('erin')];
    const err = await store.messages.commit(tooMany, { user: 'erin', messages: 2 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NOWSMS_ERR_LIMIT', temporary: false });
    expect((err as Error).message).toContain('erin has no credits left');
    expect(await store.messages.get(tooMany[0]!.message.id)).toBeUndefined();
    expect((await store.users.get('erin'))!.credits).toBe(1);

    await store.messages.commit([toSmsc('erin')], { user: 'erin', messages: 1 });
    expect((await store.users.get('erin'))!.credits).toBe(0);
    await expect(store.messages.commit([toSmsc('erin')], { user: 'erin', messages: 1 })).rejects.toMatchObject({ code: 'NOWSMS_ERR_LIMIT' });
  });

  it('a user without a credit balance is not limited by credits', async () => {
    const store = await open(await tempFile());
    await store.users.put(user({ name: 'frank' }));
    await store.messages.commit([toSmsc('frank')], { user: 'frank', messages: 1 });
    expect((await store.users.get('frank'))!.credits).toBeUndefined();
  });

  it('a submission is all or nothing: a duplicate id undoes the whole of it', async () => {
    const store = await open(await tempFile());
    const existing = toSmsc('gus');
    await store.messages.commit([existing]);
    const fresh = toSmsc('gus');
    await expect(store.messages.commit([fresh, existing])).rejects.toMatchObject({ code: 'NOWSMS_ERR_STORE', temporary: false });
    expect(await store.messages.get(fresh.message.id)).toBeUndefined();
  });
});
