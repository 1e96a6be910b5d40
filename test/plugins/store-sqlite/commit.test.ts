import { describe, expect, it } from 'vitest';
import sqlite3 from 'sqlite3';
import { isNowsmsError, type CommitItem } from '../../../core/index.ts';
import { openSqliteStore } from '../../../plugins/store-sqlite/index.ts';
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

  it('in a group commit, a submission with a duplicate id fails alone and takes nothing with it', async () => {
    const store = await open(await tempFile());
    const existing = toSmsc('gus');
    await store.messages.commit([existing]);
    const submissions = Array.from({ length: 10 }, (_, i) => (i === 5 ? [toSmsc('gus'), existing] : [toSmsc('gus'), toSmsc('gus')]));
    // One turn, one group: the multi-row INSERT fails, and the group is run again one submission at a time.
    const results = await Promise.allSettled(submissions.map((items) => store.messages.commit(items)));
    expect(results.map((r) => r.status)).toEqual(submissions.map((_, i) => (i === 5 ? 'rejected' : 'fulfilled')));
    expect((results[5] as PromiseRejectedResult).reason).toMatchObject({ code: 'NOWSMS_ERR_STORE', temporary: false });
    for (const [i, items] of submissions.entries()) {
      expect(await store.messages.get(items[0]!.message.id), `submission ${i}`).toEqual(i === 5 ? undefined : items[0]!.message);
    }
    expect((await store.queues.counts()).smsc1).toEqual({ queued: 19, retrying: 0 });
  });

  it('a failing submission between other writes of the same transaction is undone alone', async () => {
    const store = await open(await tempFile());
    const existing = toSmsc('hal');
    await store.messages.commit([existing]);
    const fresh = [toSmsc('hal'), toSmsc('hal'), toSmsc('hal')];
    // A user write, three commits (the middle one bad), another user write: one transaction.
    const results = await Promise.allSettled([
      store.users.put(user({ name: 'ida' })),
      store.messages.commit([fresh[0]!]),
      store.messages.commit([fresh[1]!, existing]),
      store.messages.commit([fresh[2]!]),
      store.users.put(user({ name: 'joe' })),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(await store.messages.get(fresh[0]!.message.id)).toEqual(fresh[0]!.message);
    expect(await store.messages.get(fresh[1]!.message.id)).toBeUndefined();
    expect(await store.messages.get(fresh[2]!.message.id)).toEqual(fresh[2]!.message);
    expect((await store.users.list()).map((u) => u.name)).toEqual(['ida', 'joe']);
  });

  it('a burst spends exactly the credits there are', async () => {
    const store = await open(await tempFile());
    await store.users.put(user({ name: 'kim', credits: 5 }));
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => store.messages.commit([toSmsc('kim')], { user: 'kim', messages: 1 })));
    expect(results.map((r) => r.status)).toEqual([...Array(5).fill('fulfilled'), ...Array(3).fill('rejected')]);
    expect((results[7] as PromiseRejectedResult).reason).toMatchObject({ code: 'NOWSMS_ERR_LIMIT', temporary: false });
    expect((await store.users.get('kim'))!.credits).toBe(0);
    expect(await store.messages.list({ user: 'kim' })).toHaveLength(5);
  });

  it('counts each user of a group against their own limits, uncharged messages of theirs included', async () => {
    const store = await open(await tempFile());
    const results = await Promise.allSettled([
      // An uncharged MT message of ann's (from another connection, say) counts against her later ones.
      store.messages.commit([toSmsc('ann')]),
      ...Array.from({ length: 12 }, (_, i) =>
        i % 2
          ? store.messages.commit([toSmsc('ann')], { user: 'ann', messages: 1, dailyLimit: 3 })
          : store.messages.commit([toSmsc('ben')], { user: 'ben', messages: 1, monthlyLimit: 4 }),
      ),
    ]);
    const ok = (from: number, step: number) => results.filter((r, i) => i >= from && (i - from) % step === 0 && r.status === 'fulfilled').length;
    expect(ok(1, 2)).toBe(4); // ben: 4 of 6
    expect(ok(2, 2)).toBe(2); // ann: 2 of 6, after her uncharged one
    expect(await store.messages.list({ user: 'ann' })).toHaveLength(3);
  });

  it('a write lock held past busyTimeoutMs by another process is a temporary failure, and the store carries on', async () => {
    const file = await tempFile();
    const store = await openSqliteStore(file, { busyTimeoutMs: 50 });
    try {
      const other = await new Promise<sqlite3.Database>((resolve, reject) => {
        const db = new sqlite3.Database(file, (err) => (err ? reject(err) : resolve(db)));
      });
      const exec = (sql: string) => new Promise<void>((resolve, reject) => other.exec(sql, (err) => (err ? reject(err) : resolve())));
      await exec('BEGIN IMMEDIATE');
      await expect(store.messages.commit([toSmsc('lea')])).rejects.toMatchObject({ code: 'NOWSMS_ERR_STORE', temporary: true });
      await exec('COMMIT');
      await new Promise<void>((resolve) => other.close(() => resolve()));
      const later = toSmsc('lea');
      await store.messages.commit([later]);
      expect(await store.messages.get(later.message.id)).toEqual(later.message);
    } finally {
      await store.close();
    }
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
