// SQLite specifics of the event log: onAppend announces this process's commits only, and only those that
// appended. The log itself (order, targets, atomicity, cursors) is in the store contract suite (test/store-contract).
import { describe, expect, it } from 'vitest';
import type { StatusChange } from '../../../core/index.ts';
import { open, sms, tempFile } from './helpers.ts';

/** The listeners hear of a commit on the turn after its callers (EventLog.onAppend). */
const nextTurn = () => new Promise((r) => setImmediate(r));

describe('store-sqlite event log', () => {
  it("wakes this store's followers after its own commits; another connection's commits are read, not announced", async () => {
    const file = await tempFile();
    const mine = await open(file);
    const other = await open(file);
    let woken = 0;
    const stop = mine.events.onAppend(() => woken++);
    const own = sms();
    await mine.messages.commit([{ message: own, target: undefined }]);
    expect(woken).toBe(0);
    await nextTurn();
    expect(woken).toBeGreaterThan(0);
    const seen = woken;
    const foreign = sms();
    await other.messages.commit([{ message: foreign, target: undefined }]);
    await nextTurn();
    expect(woken).toBe(seen);
    expect((await mine.events.changesSince(0, 10)).map((c) => c.messageId)).toEqual([own.id, foreign.id]);
    // Writes that append nothing to the log (a lease, a cursor) wake nobody: a read would find nothing new.
    await mine.queues.lease('smsc', new Date(), 10);
    await mine.events.saveCursor('r', 1);
    await nextTurn();
    expect(woken).toBe(seen);
    await mine.messages.setStatus(own.id, 'deleted', 'by a test');
    await nextTurn();
    expect(woken).toBe(seen + 1);
    stop();
    await mine.messages.commit([{ message: sms(), target: undefined }]);
    await nextTurn();
    expect(woken).toBe(seen + 1);
  });

  it('tells the changes of a commit and of a completion with the wake, as the log reads them, sparing the read', async () => {
    const store = await open(await tempFile());
    const told: (readonly StatusChange[] | undefined)[] = [];
    store.events.onAppend((changes) => told.push(changes));
    const a = sms();
    const b = sms();
    await store.messages.commit([
      { message: a, target: { kind: 'connection', id: 'smsc' } },
      { message: b, target: { kind: 'connection', id: 'smsc' } },
    ]);
    await store.queues.lease('smsc', new Date(Date.now() + 1000), 10);
    await Promise.all([store.queues.complete(a.id, 'remote id 1', ['1']), store.queues.complete(b.id, 'remote id 2', ['2'])]);
    await nextTurn();
    const log = await store.events.changesSince(0, 10);
    expect(log.map((c) => c.status)).toEqual(['queued', 'queued', 'sent', 'sent']);
    expect(told.flatMap((t) => t ?? [])).toEqual(log);
    // A write that does not tell its changes (a status set by the operator) still wakes, without them.
    await store.messages.setStatus(a.id, 'deleted', 'by a test');
    await nextTurn();
    expect(told.at(-1)).toBeUndefined();
    expect(told).toHaveLength(3);
  });
});
