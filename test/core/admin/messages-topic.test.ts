// The messages topic over a stand-in event log: replay from a cursor, then live changes, then nothing after
// unsubscribe. The real log (the store's changesSince and its follower) is wired in by the gateway.
import { describe, expect, it } from 'vitest';
import { messagesTopic, type ChangeFeed } from '../../../core/admin/messages-topic.ts';

interface Change {
  seq: number;
  status: string;
}

function memoryFeed() {
  const log: Change[] = [];
  const wakes = new Set<() => void>();
  const feed: ChangeFeed<Change> = {
    changesSince: async (cursor, limit) => log.filter((c) => c.seq > cursor).slice(0, limit),
    latest: async () => log.at(-1)?.seq ?? 0,
    onChange: (wake) => {
      wakes.add(wake);
      return () => wakes.delete(wake);
    },
  };
  const append = (status: string) => {
    log.push({ seq: log.length + 1, status });
    for (const w of wakes) w();
  };
  return { feed, append, wakes };
}

const settle = () => new Promise((r) => setTimeout(r, 10));

describe('messages topic', () => {
  it('replays from the cursor in batches, follows new changes, and stops on unsubscribe', async () => {
    const { feed, append, wakes } = memoryFeed();
    for (let i = 0; i < 7; i++) append(`old-${i}`);
    const got: Change[] = [];
    const unsubscribe = await messagesTopic(feed, 3).subscribe(2, (c) => got.push(c));
    await settle();
    expect(got.map((c) => c.seq)).toEqual([3, 4, 5, 6, 7]);
    append('new');
    await settle();
    expect(got.at(-1)).toEqual({ seq: 8, status: 'new' });
    unsubscribe();
    expect(wakes.size).toBe(0);
    append('after');
    await settle();
    expect(got).toHaveLength(6);
  });

  it('starts from now without a cursor', async () => {
    const { feed, append } = memoryFeed();
    append('before');
    const got: Change[] = [];
    const unsubscribe = await messagesTopic(feed).subscribe(undefined, (c) => got.push(c));
    append('after');
    await settle();
    expect(got.map((c) => c.status)).toEqual(['after']);
    unsubscribe();
  });
});
