// Usage limits (on the MT messages a user submits) and credits, checked inside the commit's transaction.
// A group commit reads each charged user's counts and balance once, then checks its jobs in order, counting
// what the earlier jobs of the group add: the outcome is the same as checking them one after another, so a
// burst cannot slip past a limit.
import { NowsmsError, type Message, type UsageCharge } from 'nowsms';
import type { Sql } from './sqlite.ts';

/** Days and months are UTC: a limit resets at 00:00 UTC, whatever the server's time zone. */
export function periodStarts(now: Date): { day: number; month: number } {
  return {
    day: Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()),
    month: Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1),
  };
}

/** What one user has used, as of the start of a group plus the jobs of the group accepted so far. */
interface Usage {
  day: number;
  month: number;
  /** null: no balance kept, unlimited. */
  credits: number | null;
  /** Credits the accepted jobs of the group spend. */
  spent: number;
}

// Counts only what a limit needs (CASE skips the subquery): counting a busy user's month is not free.
const USAGE = `SELECT
  CASE WHEN ? THEN (SELECT count(*) FROM messages WHERE user_name = ? AND direction = 'MT' AND received_at >= ?) END AS day,
  CASE WHEN ? THEN (SELECT count(*) FROM messages WHERE user_name = ? AND direction = 'MT' AND received_at >= ?) END AS month,
  (SELECT credits FROM users WHERE name = ?) AS credits`;

/** The charges of a group of commit jobs, checked in order. */
export class Charges {
  private readonly usage = new Map<string, Usage>();
  private readonly starts: { day: number; month: number };

  private constructor(now: Date) {
    this.starts = periodStarts(now);
  }

  /** Reads the usage of every user charged in `charges` (undefined entries are uncharged jobs). */
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
    for (const [user, n] of needs) {
      const row = await tx.get<{ day: number | null; month: number | null; credits: number | null }>(USAGE, [
        n.day ? 1 : 0,
        user,
        c.starts.day,
        n.month ? 1 : 0,
        user,
        c.starts.month,
        user,
      ]);
      c.usage.set(user, { day: row?.day ?? 0, month: row?.month ?? 0, credits: row?.credits ?? null, spent: 0 });
    }
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
    if (u.credits === null) return; // no balance kept: unlimited
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
    const changed: string[] = [];
    for (const [user, u] of this.usage) {
      if (u.spent === 0) continue;
      await tx.run('UPDATE users SET credits = credits - ? WHERE name = ?', [u.spent, user]);
      changed.push(user);
    }
    return changed;
  }
}

function messagesWord(n: number): string {
  return n === 1 ? '1 message' : `${n} messages`;
}
