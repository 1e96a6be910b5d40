import { describe, expect, it } from 'vitest';
import type { CommitItem } from '../../../core/index.ts';
import { close, open, sms, tempFile } from './helpers.ts';

const mo = (key: string | undefined, text = 'hello'): CommitItem => ({
  message: sms({ direction: 'MO', parts: [{ contentType: 'text/plain; charset=utf-8', data: Buffer.from(text) }] }),
  target: { kind: 'mailbox', user: 'bob' },
  ...(key !== undefined ? { idempotencyKey: key } : {}),
});

/** Segment `seq` of a two-part message held under `key`. */
const seg = (key: string, seq: number, idempotencyKey?: string) => ({
  key,
  seq,
  total: 2,
  receivedAt: new Date(),
  from: '+447700900123',
  to: '+15550001111',
  via: 'modem1',
  part: { contentType: 'text/plain; charset=utf-8', data: Buffer.from(`part ${seq}`) },
  meta: {},
  ...(idempotencyKey ? { idempotencyKey } : {}),
});

describe('store-sqlite idempotency keys', () => {
  it('a key already stored commits nothing and answers with the first id, across restarts, in one group and in one call', async () => {
    const file = await tempFile();
    let store = await open(file);
    const first = mo('modem1:abc');
    expect(await store.messages.commit([first])).toEqual([{ id: first.message.id, duplicate: false }]);

    // Reopened, as after a crash: the key is on disk, not in memory.
    await close(store);
    store = await open(file);
    const again = mo('modem1:abc', 'the same SMS, read again');
    expect(await store.messages.commit([again])).toEqual([{ id: first.message.id, duplicate: true }]);

    // Concurrent commits share a group: the same new key twice there is one message too; no key is never a duplicate.
    const [a, b, c] = [mo('modem1:def'), mo('modem1:def'), mo(undefined)];
    const results = await Promise.all([store.messages.commit([a]), store.messages.commit([b]), store.messages.commit([c])]);
    expect(results).toEqual([[{ id: a.message.id, duplicate: false }], [{ id: a.message.id, duplicate: true }], [{ id: c.message.id, duplicate: false }]]);

    // Within one call.
    const [d, e] = [mo('modem1:ghi'), mo('modem1:ghi')];
    expect(await store.messages.commit([d, e])).toEqual([
      { id: d.message.id, duplicate: false },
      { id: d.message.id, duplicate: true },
    ]);

    const mailbox = await store.mailboxes.list('bob');
    expect(mailbox.map((m) => m.messageId).sort()).toEqual([first.message.id, a.message.id, c.message.id, d.message.id].sort());
    expect(await store.messages.get(again.message.id)).toBeUndefined();
    expect((await store.messages.get(first.message.id))!.parts[0]!.data.toString()).toBe('hello');
  });

  it('a duplicate still drops the segments it was joined from', async () => {
    const store = await open(await tempFile());
    const key = 'modem1|+447700900123|7|2';
    await store.messages.commit([mo('modem1:long')]);
    await store.segments.put(seg(key, 1));
    await store.segments.put(seg(key, 2));
    const joined = { ...mo('modem1:long'), consumesSegments: key };
    expect(await store.messages.commit([joined])).toEqual([{ id: expect.any(String), duplicate: true }]);
    expect(await store.segments.get(key)).toEqual([]);
    expect(await store.mailboxes.list('bob')).toHaveLength(1);
  });

  it('a segment handed over again after its message was committed is not kept again', async () => {
    const store = await open(await tempFile());
    const key = 'modem1|+447700900123|9|2';
    await store.segments.put(seg(key, 1, 'modem1:pdu:one'));
    expect((await store.segments.put(seg(key, 2, 'modem1:pdu:two'))).map((s) => s.idempotencyKey)).toEqual(['modem1:pdu:one', 'modem1:pdu:two']);
    await store.messages.commit([{ ...mo(undefined), consumesSegments: key }]);

    // Read again off the SIM after the crash: nothing is held for it, so no stray half message later.
    expect(await store.segments.put(seg(key, 2, 'modem1:pdu:two'))).toEqual([]);
    expect(await store.segments.stale(new Date(Date.now() + 60_000))).toEqual([]);
    // A new segment under the same reference (a later message) is kept as usual.
    expect((await store.segments.put(seg(key, 1, 'modem1:pdu:three'))).map((s) => s.seq)).toEqual([1]);
  });
});
