// Usage limits (on the MT messages a user submits) and credits, checked inside the commit's transaction.
// A group commit reads each charged user's counts and balance once; the rule itself (core/store-rules.ts,
// shared with the other stores) then checks the group's jobs in order, counting what the earlier jobs of
// the group add, so a burst cannot slip past a limit.
import { UsageTally, usageNeeds, usagePeriods, type Message, type UsageCharge, type UserUsage } from 'nowsms';
import type { Sql } from './sqlite.ts';

// Counts only what a limit needs (CASE skips the subquery): counting a busy user's month is not free.
const USAGE = `SELECT
  CASE WHEN ? THEN (SELECT count(*) FROM messages WHERE user_name = ? AND direction = 'MT' AND received_at >= ?) END AS day,
  CASE WHEN ? THEN (SELECT count(*) FROM messages WHERE user_name = ? AND direction = 'MT' AND received_at >= ?) END AS month,
  (SELECT credits FROM users WHERE name = ?) AS credits`;

/** The charges of a group of commit jobs, checked in order. */
export class Charges {
  private constructor(private readonly tally: UsageTally) {}

  /** Reads the usage of every user charged in `charges` (undefined entries are uncharged jobs). */
  static async load(tx: Sql, charges: (UsageCharge | undefined)[], now: Date): Promise<Charges> {
    const starts = usagePeriods(now);
    const usage = new Map<string, UserUsage>();
    for (const [user, n] of usageNeeds(charges)) {
      const row = await tx.get<{ day: number | null; month: number | null; credits: number | null }>(USAGE, [
        n.day ? 1 : 0,
        user,
        starts.day,
        n.month ? 1 : 0,
        user,
        starts.month,
        user,
      ]);
      usage.set(user, { day: row?.day ?? 0, month: row?.month ?? 0, credits: row?.credits ?? null });
    }
    return new Charges(new UsageTally(now, usage));
  }

  /** Throws NOWSMS_ERR_LIMIT if this charge would pass a limit or the credits; otherwise takes the credits. */
  check(charge: UsageCharge): void {
    this.tally.check(charge);
  }

  /** An accepted job's messages count against later jobs of the group, as they would once in the table. */
  count(messages: Message[]): void {
    this.tally.count(messages);
  }

  /** Writes the credits the group spent; the users whose balance changed. */
  async apply(tx: Sql): Promise<string[]> {
    const spent = this.tally.spent();
    for (const [user, n] of spent) await tx.run('UPDATE users SET credits = credits - ? WHERE name = ?', [n, user]);
    return [...spent.keys()];
  }
}
