// The `messages` topic: the event log, streamed. A subscriber gets every change after its cursor (`from`,
// a seq), then each new one as it is committed. Nothing here keeps changes: it reads the log through the
// feed, a batch at a time, for each subscriber. The gateway adds this topic once the event log's reader
// and follower are in core: `gateway.admin.addTopic(messagesTopic(feed))`.
import type { StreamSource } from './registry.ts';

/** What the topic needs of the event log. */
export interface ChangeFeed<T extends { seq: number }> {
  /** Changes with a seq greater than `cursor`, oldest first, at most `limit` of them. */
  changesSince(cursor: number, limit: number): Promise<T[]>;
  /** The newest seq now: where a subscription without `from` starts. */
  latest(): Promise<number>;
  /** Call `wake` whenever new changes may have been committed; returns the function that stops calling it. */
  onChange(wake: () => void): () => void;
}

export const MESSAGES_BATCH = 500;

export function messagesTopic<T extends { seq: number }>(feed: ChangeFeed<T>, batch = MESSAGES_BATCH): StreamSource<T, number> {
  return {
    topic: 'messages',
    description: 'every status change of every message, with its seq: from the cursor given, then as they happen',
    async subscribe(from, push) {
      let cursor = typeof from === 'number' ? from : await feed.latest();
      let closed = false;
      let reading = false;
      let again = false;
      // One read loop at a time; a wake during a read makes it go round once more.
      const read = async () => {
        if (reading) {
          again = true;
          return;
        }
        reading = true;
        try {
          do {
            again = false;
            for (;;) {
              const changes = await feed.changesSince(cursor, batch);
              if (closed) return;
              for (const c of changes) push(c);
              if (changes.length > 0) cursor = changes[changes.length - 1]!.seq;
              if (changes.length < batch) break;
            }
          } while (again && !closed);
        } finally {
          reading = false;
        }
      };
      const stop = feed.onChange(() => void read().catch(() => undefined));
      void read().catch(() => undefined);
      return () => {
        closed = true;
        stop();
      };
    },
  };
}
