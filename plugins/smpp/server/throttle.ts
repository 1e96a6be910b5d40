// Per-user submit rate: a token bucket per user, shared by all of the user's sessions (binding twice does
// not double the allowance). It holds one second's worth, so a client that paces itself at the limit is
// never refused, and one that bursts past it gets 0x58 for the excess.

interface Bucket {
  tokens: number;
  at: number;
}

export class Throttle {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly defaultRate: number | undefined,
    private readonly perUser: Record<string, number>,
  ) {}

  /** Take one submit from the user's allowance; false means "answer 0x58". */
  take(user: string, now = Date.now()): boolean {
    const rate = this.perUser[user] ?? this.defaultRate;
    if (rate === undefined) return true;
    const capacity = Math.max(1, rate);
    const b = this.buckets.get(user) ?? { tokens: capacity, at: now };
    b.tokens = Math.min(capacity, b.tokens + ((now - b.at) / 1000) * rate);
    b.at = now;
    this.buckets.set(user, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}
