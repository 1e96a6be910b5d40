// SQLite specifics of the event log: onAppend announces this process's commits only, and only those that
// appended. The log itself (order, targets, atomicity, cursors) is in the store contract suite (test/store-contract).
import { describe, expect, it } from 'vitest';
import { open, sms, tempFile } from './helpers.ts';

describe('store-sqlite event log', () => {
  it("wakes this store's followers after its own commits; another connection's commits are read, not announced", async () => {
    const file = await tempFile();
    const mine = await open(file);
    const other = await open(file);
    let woken = 0;
    const stop = mine.events.onAppend(() => woken++);
    const own = sms();
    await mine.messages.commit([{ message: own, target: undefined }]);
    expect(woken).toBeGreaterThan(0);
    const seen = woken;
    const foreign = sms();
    await other.messages.commit([{ message: foreign, target: undefined }]);
    expect(woken).toBe(seen);
    expect((await mine.events.changesSince(0, 10)).map((c) => c.messageId)).toEqual([own.id, foreign.id]);
    // Writes that append nothing to the log (a lease, a cursor) wake nobody: a read would find nothing new.
    await mine.queues.lease('smsc', new Date(), 10);
    await mine.events.saveCursor('r', 1);
    expect(woken).toBe(seen);
    await mine.messages.setStatus(own.id, 'deleted', 'by a test');
    expect(woken).toBe(seen + 1);
    stop();
    await mine.messages.commit([{ message: sms(), target: undefined }]);
    expect(woken).toBe(seen + 1);
  });
});
