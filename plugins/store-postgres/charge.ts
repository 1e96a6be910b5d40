// Usage limits (on the MT messages a user submits) and credits, checked inside the commit's transaction.
// The rule is the SQLite store's (plugins/store-sqlite/charge.ts): a group commit reads each charged user's
// counts and balance once, then checks its jobs in order, counting what the earlier jobs of the group add,
// so a burst cannot slip past a limit. Here the users' rows are also locked (FOR UPDATE) and every write
// transaction holds the write lock (write-queue.ts), so two nodes charging one user cannot both spend the
// last credit.
import { NowsmsError, type Message, type UsageCharge } from 'nowsms';
import { all, run, type Sql } from './db.ts';

/** Days and months are UTC: a limit resets at 00:00 UTC, whatever the server's time zone. */
export function periodStarts(now: Date): { day: number; month: number } {
  return {
    day: Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()),
    month: Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1),
  };
}

interface Usage {
  day: number;
  month: number;
  /** null: no balance kept, unlimited. */
  credits: number | null;
  spent: number;
}

// One statement for every charged user: their balance (row locked) and the counts a limit needs.
const USAGE = `SELECT n.name AS name, u.credits,
  CASE WHEN n.day THEN (SELECT count(*) FROM messages WHERE user_name = n.name AND direction = 'MT' AND received_at >= $4) END AS day,
  CASE WHEN n.month THEN (SELECT count(*) FROM messages WHERE user_name = n.name AND direction = 'MT' AND received_at >= $5) END AS month
FROM unnest($1::text[], $2::bool[], $3::bool[]) AS n(name, day, month)
LEFT JOIN LATERAL (SELECT name, credits FROM users WHERE name = n.name FOR UPDATE) u ON true`;

export class Charges {
  private readonly usage = new Map<string, Usage>();
  private readonly starts: { day: number; month: number };

  private constructor(now: Date) {
    this.starts = periodStarts(now);
  }

  static async load(tx: Sql, charges: (UsageCharge | undefined)[], now: Date): Promise<Charges> {
    const c = new Charges(now);
    const needs = new Map<string, { day: boolean; month: boolean }>();
    for (const ch of charges) {
      if (!ch) continue;
      const n = needs.get(ch.user) ?? { day: false, month: false };
      n.day ||= ch.dailyLimit !== undefined;
      n.month ||= ch.monthlyLimit !== undefined;
      needs.set(ch.user, n);
    }
    const users = [...needs.keys()];
    const rows = await all<{ name: string; credits: number | null; day: number | null; month: number | null }>(tx, USAGE, [
      users,
      users.map((u) => needs.get(u)!.day),
      users.map((u) => needs.get(u)!.month),
      c.starts.day,
      c.starts.month,
    ]);
    const byName = new Map(rows.map((r) => [r.name, r]));
    users.forEach((user) => {
      const row = byName.get(user);
      c.usage.set(user, { day: row?.day ?? 0, month: row?.month ?? 0, credits: row?.credits ?? null, spent: 0 });
    });
    return c;
  }

  /** Throws NOWSMS_ERR_LIMIT if this charge would pass a limit or the credits; otherwise takes the credits. */
  check(charge: UsageCharge): void {
    const { user, messages, dailyLimit, monthlyLimit } = charge;
    const u = this.usage.get(user)!;
    if (dailyLimit !== undefined && u.day + messages > dailyLimit) {
      throw new NowsmsError(
        'NOWSMS_ERR_LIMIT',
        `${user} has reached the daily limit of ${messagesWord(dailyLimit)}: try again tomorrow (UTC) or raise dailyLimit`,
        { temporary: true },
      );
    }
    if (monthlyLimit !== undefined && u.month + messages > monthlyLimit) {
      throw new NowsmsError(
        'NOWSMS_ERR_LIMIT',
        `${user} has reached the monthly limit of ${messagesWord(monthlyLimit)}: try again next month (UTC) or raise monthlyLimit`,
        { temporary: true },
      );
    }
    if (u.credits === null) return;
    if (u.credits < messages) {
      throw new NowsmsError('NOWSMS_ERR_LIMIT', `${user} has no credits left (${u.credits} remaining, ${messages} needed): add credits to the account`);
    }
    u.credits -= messages;
    u.spent += messages;
  }

  /** An accepted job's messages count against later jobs of the group, as they would once in the table. */
  count(messages: Message[]): void {
    for (const m of messages) {
      const u = m.user === undefined ? undefined : this.usage.get(m.user);
      if (!u || m.direction !== 'MT') continue;
      const at = m.receivedAt.getTime();
      if (at >= this.starts.day) u.day++;
      if (at >= this.starts.month) u.month++;
    }
  }

  /** Writes the credits the group spent; the users whose balance changed. */
  async apply(tx: Sql): Promise<string[]> {
    const spent = [...this.usage].filter(([, u]) => u.spent > 0);
    if (spent.length === 0) return [];
    await run(tx, 'UPDATE users SET credits = credits - s.n FROM unnest($1::text[], $2::int[]) AS s(name, n) WHERE users.name = s.name', [
      spent.map(([name]) => name),
      spent.map(([, u]) => u.spent),
    ]);
    return spent.map(([name]) => name);
  }
}

function messagesWord(n: number): string {
  return n === 1 ? '1 message' : `${n} messages`;
}
