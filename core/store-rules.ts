// The rules a store applies inside its commit that are not SQL: usage limits and credits, and the status a
// delivery report gives a message. Every store plug-in (SQLite, PostgreSQL) reads the numbers its own way
// and applies these, so the stores cannot drift apart on what a limit or a report means.
import { NowsmsError } from './errors.ts';
import type { Message, MessageStatus, UsageCharge } from './types.ts';

/** Where limits reset: 00:00 UTC of the day and of the month of `now` (epoch ms), whatever the server's time zone. */
export function usagePeriods(now: Date): { day: number; month: number } {
  return {
    day: Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()),
    month: Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1),
  };
}

/** What a store reads for one charged user before checking a group of charges. */
export interface UserUsage {
  /** MT messages of the user received since the start of the day (0 when no daily limit is charged). */
  day: number;
  /** The same since the start of the month. */
  month: number;
  /** The credit balance; null: none kept, unlimited. */
  credits: number | null;
}

/** Which counts a group of charges needs, per user: a store counts only what a limit asks for. */
export function usageNeeds(charges: (UsageCharge | undefined)[]): Map<string, { day: boolean; month: boolean }> {
  const needs = new Map<string, { day: boolean; month: boolean }>();
  for (const ch of charges) {
    if (!ch) continue;
    const n = needs.get(ch.user) ?? { day: false, month: false };
    n.day ||= ch.dailyLimit !== undefined;
    n.month ||= ch.monthlyLimit !== undefined;
    needs.set(ch.user, n);
  }
  return needs;
}

/**
 * The charges of a group of commits, checked in order against the usage read at the start of the group
 * plus what the group's earlier accepted commits add: the outcome is that of checking them one after
 * another, so a burst cannot slip past a limit.
 */
export class UsageTally {
  private readonly usage = new Map<string, UserUsage & { spent: number }>();
  private readonly starts: { day: number; month: number };

  /** `usage`: what the store read for every user `usageNeeds` named (a user missing from it has used nothing and has no balance). */
  constructor(now: Date, usage: Map<string, UserUsage>) {
    this.starts = usagePeriods(now);
    for (const [user, u] of usage) this.usage.set(user, { ...u, spent: 0 });
  }

  /** Throws NOWSMS_ERR_LIMIT if this charge would pass a limit (temporary) or the credits (permanent); otherwise takes the credits. */
  check(charge: UsageCharge): void {
    const { user, messages, dailyLimit, monthlyLimit } = charge;
    let u = this.usage.get(user);
    if (!u) this.usage.set(user, (u = { day: 0, month: 0, credits: null, spent: 0 }));
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

  /** An accepted commit's messages count against later charges of the group, as they would once stored. */
  count(messages: Message[]): void {
    for (const m of messages) {
      const u = m.user === undefined ? undefined : this.usage.get(m.user);
      if (!u || m.direction !== 'MT') continue;
      const at = m.receivedAt.getTime();
      if (at >= this.starts.day) u.day++;
      if (at >= this.starts.month) u.month++;
    }
  }

  /** The credits the accepted charges spent, per user (only users who spent any): what the store subtracts. */
  spent(): Map<string, number> {
    return new Map([...this.usage].filter(([, u]) => u.spent > 0).map(([user, u]) => [user, u.spent]));
  }
}

function messagesWord(n: number): string {
  return n === 1 ? '1 message' : `${n} messages`;
}

/**
 * The status a delivery report leaves a message in, given the outcome now recorded for each of its segments
 * (null: none yet): 'undeliverable' on any failed segment, 'delivered' once every segment is, else unchanged.
 */
export function reportedStatus(current: MessageStatus, outcomes: (string | null)[]): MessageStatus {
  if (outcomes.some((o) => o === 'undeliverable')) return 'undeliverable';
  if (outcomes.every((o) => o === 'delivered')) return 'delivered';
  return current;
}

/** The history detail of a report about segment `idx` (0-based) of `segments`. */
export function reportDetail(outcome: string, detail: string | undefined, idx: number, segments: number): string {
  const which = segments > 1 ? `segment ${idx + 1} of ${segments}: ` : '';
  return `${which}${outcome}${detail ? ` (${detail})` : ''}`;
}
