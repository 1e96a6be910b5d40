// LeaseStore: named leases with one holder (core/holders.ts takes one per outbound connection). Processes
// sharing the file share the leases; the clock is the machine's, which they share too.
import type { HeldLease, LeaseStore } from 'nowsms';
import type { ReadQueue } from './read-queue.ts';
import type { WriteQueue } from './write-queue.ts';

export function leaseStore(reads: ReadQueue, writes: WriteQueue): LeaseStore {
  return {
    take: (name, holder, ttlMs) =>
      writes.write(async (tx) => {
        const now = Date.now();
        // Taken when free, expired, or already this holder's (then renewed).
        const r = await tx.run(
          `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
           ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
           WHERE leases.holder = excluded.holder OR leases.expires_at <= ?`,
          [name, holder, now + ttlMs, now],
        );
        return r.changes === 1;
      }),

    release: (name, holder) =>
      writes.write(async (tx) => {
        await tx.run('DELETE FROM leases WHERE name = ? AND holder = ?', [name, holder]);
      }),

    list: () =>
      reads.read(
        async (sql) =>
          (
            await sql.all<{ name: string; holder: string; expires_at: number }>(
              'SELECT name, holder, expires_at FROM leases WHERE expires_at > ? ORDER BY name',
              [Date.now()],
            )
          ).map((r): HeldLease => ({ name: r.name, holder: r.holder, expiresAt: new Date(r.expires_at) })),
        { single: true },
      ),
  };
}
