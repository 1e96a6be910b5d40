// Usage limits (on the MT messages a user submits) and credits, checked inside the commit's transaction:
// the count includes what committed earlier in the same group commit, so a burst cannot slip past a limit.
import { NowsmsError, type UsageCharge } from '../../core/index.ts';
import type { Sql } from './sqlite.ts';

/** Days and months are UTC: a limit resets at 00:00 UTC, whatever the server's time zone. */
export function periodStarts(now: Date): { day: number; month: number } {
  return {
    day: Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()),
    month: Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1),
  };
}

async function countSince(tx: Sql, user: string, since: number): Promise<number> {
  const row = await tx.get<{ n: number }>("SELECT count(*) AS n FROM messages WHERE user_name = ? AND direction = 'MT' AND received_at >= ?", [user, since]);
  return row?.n ?? 0;
}

export async function applyCharge(tx: Sql, charge: UsageCharge, now = new Date()): Promise<void> {
  const { user, messages, dailyLimit, monthlyLimit } = charge;
  const starts = periodStarts(now);
  if (dailyLimit !== undefined && (await countSince(tx, user, starts.day)) + messages > dailyLimit) {
    throw new NowsmsError('NOWSMS_ERR_LIMIT', `${user} has reached the daily limit of ${messagesWord(dailyLimit)}: try again tomorrow (UTC) or raise dailyLimit`, { temporary: true });
  }
  if (monthlyLimit !== undefined && (await countSince(tx, user, starts.month)) + messages > monthlyLimit) {
    throw new NowsmsError('NOWSMS_ERR_LIMIT', `${user} has reached the monthly limit of ${messagesWord(monthlyLimit)}: try again next month (UTC) or raise monthlyLimit`, { temporary: true });
  }
  const row = await tx.get<{ credits: number | null }>('SELECT credits FROM users WHERE name = ?', [user]);
  if (row?.credits === null || row?.credits === undefined) return; // no balance kept: unlimited
  if (row.credits < messages) {
    throw new NowsmsError('NOWSMS_ERR_LIMIT', `${user} has no credits left (${row.credits} remaining, ${messages} needed): add credits to the account`);
  }
  await tx.run('UPDATE users SET credits = credits - ? WHERE name = ?', [messages, user]);
}

function messagesWord(n: number): string {
  return n === 1 ? '1 message' : `${n} messages`;
}
