// The writer commits with synchronous = NORMAL and syncs the WAL itself: nothing is acknowledged before the
// fdatasync that follows its COMMIT has returned, and commits made while a sync runs share the next one.
// fdatasync is held here (node:fs mocked around the real one) so the test sees what waits for it.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CommitItem } from '../../../core/index.ts';
import { open, sms, tempFile } from './helpers.ts';

const disk = vi.hoisted(() => ({ held: [] as Array<() => void>, hold: false, calls: 0 }));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const fdatasync = (fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
    disk.calls++;
    if (disk.hold) disk.held.push(() => fs.fdatasync(fd, cb));
    else fs.fdatasync(fd, cb);
  };
  return { ...fs, fdatasync, default: { ...fs, fdatasync } };
});

const toSmsc = (): CommitItem => ({ message: sms(), target: { kind: 'connection', id: 'smsc1' } });

/** Lets the store run what it can without the disk: a few turns of the event loop. */
const turns = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

/** Settles `p` into a flag the test can read without awaiting it. */
function track(p: Promise<unknown>): { done: boolean } {
  const state = { done: false };
  void p.then(
    () => (state.done = true),
    () => (state.done = true),
  );
  return state;
}

beforeEach(() => {
  disk.hold = false;
  disk.held = [];
  disk.calls = 0;
});
afterEach(() => {
  disk.hold = false;
  for (const release of disk.held.splice(0)) release();
});

describe('store-sqlite WAL sync', () => {
  it('acknowledges a commit only after the WAL is synced', async () => {
    const store = await open(await tempFile());
    disk.hold = true;
    disk.calls = 0;
    const item = toSmsc();
    const commit = store.messages.commit([item]);
    const state = track(commit);
    await turns();
    // COMMIT ran, but the disk has not said the WAL is safe: no answer yet.
    expect(disk.calls).toBe(1);
    expect(state.done).toBe(false);
    disk.hold = false;
    disk.held.shift()!();
    await expect(commit).resolves.toEqual([{ id: item.message.id, duplicate: false }]);
  });

  it('commits made while a sync runs wait for it, and share the next sync', async () => {
    const store = await open(await tempFile());
    disk.hold = true;
    disk.calls = 0;
    const first = store.messages.commit([toSmsc()]);
    await turns();
    expect(disk.calls).toBe(1);
    const later = Array.from({ length: 6 }, () => store.messages.commit([toSmsc()]));
    const states = later.map(track);
    await turns();
    // They wait for the running sync to end before they commit: no second sync yet.
    expect(disk.calls).toBe(1);
    disk.held.shift()!();
    await first;
    await turns();
    expect(disk.calls).toBe(2);
    expect(states.some((s) => s.done)).toBe(false);
    disk.hold = false;
    disk.held.shift()!();
    await Promise.all(later);
    expect(disk.calls).toBe(2);
    expect((await store.messages.list({})).length).toBe(7);
  });
});
