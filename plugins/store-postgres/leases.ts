// LeaseStore: named leases with one holder (core/holders.ts takes one per outbound connection), shared by
// every node on the database. Expiry is the database's clock (clock_timestamp()): the nodes' clocks may
// disagree, the server's is the one they share.
import type pg from 'pg';
import type { HeldLease, LeaseStore } from 'nowsms';
import { all, run } from './db.ts';
import type { WriteQueue } from './write-queue.ts';

export function leaseStore(pool: pg.Pool, writes: WriteQueue): LeaseStore {
  return {
    take: (name, holder, ttlMs) =>
      writes.write(async (tx) => {
        // Taken when free, expired, or already this holder's (then renewed).
        const changed = await run(
          tx,
          `INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, clock_timestamp() + $3 * interval '1 millisecond')
           ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
           WHERE leases.holder = excluded.holder OR leases.expires_at <= clock_timestamp()
           RETURNING holder`,
          [name, holder, ttlMs],
        );
        return changed === 1;
      }),

    release: (name, holder) =>
      writes.write(async (tx) => {
        await run(tx, 'DELETE FROM leases WHERE name = $1 AND holder = $2', [name, holder]);
      }),

    list: async () =>
      (
        await all<{ name: string; holder: string; expires_at: Date }>(
          pool,
          'SELECT name, holder, expires_at FROM leases WHERE expires_at > clock_timestamp() ORDER BY name COLLATE "C"',
        )
      ).map((r): HeldLease => ({ name: r.name, holder: r.holder, expiresAt: r.expires_at })),
  };
}
