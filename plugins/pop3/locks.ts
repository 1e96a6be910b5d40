// RFC 1939 section 8: a maildrop is opened by one session at a time, on every node that shares the store.
// Within this process a set answers at once; across nodes the lock is a store lease (`maildrop:<user>`,
// held by this node) renewed while the session lasts. A node that dies holding one frees it when the
// lease runs out; the same node restarted (same nodeId) gets it back at once.
import type { LeaseStore } from 'nowsms';

/** The store side of the lock: the leases every node shares, and this node's name in them. */
export interface SharedLocks {
  leases: LeaseStore;
  node: string;
  /** How long a lock outlives a node that died holding it; renewed every third of it. */
  ttlMs: number;
  warn(err: unknown, user: string): void;
}

export const MAILDROP_LOCK_TTL_MS = 60_000;

export class MailboxLocks {
  private readonly held = new Set<string>();
  /** Releases still on their way to the store: the next lock of that user waits for its release to land. */
  private readonly releasing = new Map<string, Promise<void>>();

  constructor(public shared?: SharedLocks) {}

  /**
   * The release function when this session now holds the maildrop (it resolves once the other nodes can
   * take it); undefined when another session holds it.
   */
  async tryLock(user: string): Promise<(() => Promise<void>) | undefined> {
    if (this.held.has(user)) return undefined;
    this.held.add(user);
    const shared = this.shared;
    let renewal: NodeJS.Timeout | undefined;
    if (shared) {
      const name = `maildrop:${user}`;
      try {
        await this.releasing.get(user);
        if (!(await shared.leases.take(name, shared.node, shared.ttlMs))) {
          this.held.delete(user);
          return undefined;
        }
      } catch (err) {
        this.held.delete(user);
        throw err;
      }
      renewal = setInterval(() => {
        shared.leases.take(name, shared.node, shared.ttlMs).then(
          (ok) => (ok ? undefined : shared.warn(new Error('another node took the maildrop lock'), user)),
          (err: unknown) => shared.warn(err, user),
        );
      }, shared.ttlMs / 3);
      renewal.unref();
    }
    let released: Promise<void> | undefined;
    return () => {
      if (released) return released;
      clearInterval(renewal);
      released = Promise.resolve();
      if (shared) {
        const done = shared.leases
          .release(`maildrop:${user}`, shared.node)
          .catch((err: unknown) => shared.warn(err, user))
          .finally(() => {
            if (this.releasing.get(user) === done) this.releasing.delete(user);
          });
        this.releasing.set(user, done);
        released = done;
      }
      this.held.delete(user);
      return released;
    };
  }
}

const byStore = new Map<string, MailboxLocks>();

/**
 * One lock table per data directory: every POP3 server of one gateway shares it, two test gateways do not.
 * A gateway restarted in the same process brings a new store: the table uses it from then on.
 */
export function locksFor(storeKey: string, shared?: SharedLocks): MailboxLocks {
  let locks = byStore.get(storeKey);
  if (!locks) byStore.set(storeKey, (locks = new MailboxLocks(shared)));
  else locks.shared = shared;
  return locks;
}
