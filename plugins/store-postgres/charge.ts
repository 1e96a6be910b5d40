// Usage limits (on the MT messages a user submits) and credits, checked inside the commit's transaction.
// One statement reads every charged user's balance (its row locked FOR UPDATE) and the counts a limit
// needs; the rule itself is core's (core/store-rules.ts), shared with the SQLite store. Every write
// transaction also holds the write lock (write-queue.ts), so two nodes charging one user cannot both
// spend the last credit.
import { UsageTally, usageNeeds, usagePeriods, type Message, type UsageCharge, type UserUsage } from 'nowsms';
import { all, run, type Sql } from './db.ts';

const USAGE = `SELECT n.name AS name, u.credits,
  CASE WHEN n.day THEN (SELECT count(*) FROM messages WHERE user_name = n.name AND direction = 'MT' AND received_at >= $4) END AS day,
  CASE WHEN n.month THEN (SELECT count(*) FROM messages WHERE user_name = n.name AND direction = 'MT' AND received_at >= $5) END AS month
FROM unnest($1::text[], $2::bool[], $3::bool[]) AS n(name, day, month)
LEFT JOIN LATERAL (SELECT name, credits FROM users WHERE name = n.name FOR UPDATE) u ON true`;

export class Charges {
  private constructor(private readonly tally: UsageTally) {}

  static async load(tx: Sql, charges: (UsageCharge | undefined)[], now: Date): Promise<Charges> {
    const starts = usagePeriods(now);
    const needs = usageNeeds(charges);
    const users = [...needs.keys()];
    const rows = await all<{ name: string; credits: number | null; day: number | null; month: number | null }>(tx, USAGE, [
      users,
      users.map((u) => needs.get(u)!.day),
      users.map((u) => needs.get(u)!.month),
      starts.day,
      starts.month,
    ]);
    const usage = new Map<string, UserUsage>(rows.map((r) => [r.name, { day: r.day ?? 0, month: r.month ?? 0, credits: r.credits }]));
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
    const spent = [...this.tally.spent()];
    if (spent.length === 0) return [];
    await run(tx, 'UPDATE users SET credits = credits - s.n FROM unnest($1::text[], $2::int[]) AS s(name, n) WHERE users.name = s.name', [
      spent.map(([name]) => name),
      spent.map(([, n]) => n),
    ]);
    return spent.map(([name]) => name);
  }
}
