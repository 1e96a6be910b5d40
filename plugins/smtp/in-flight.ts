// The bytes of mail the server holds at once, over every session: DATA read so far and not yet stored.
// Without a cap, two dozen large mails at once grow the gateway by gigabytes; with it, the next mail is
// told to come back later (452 at RCPT, 451 when found out during DATA) and the client's queue retries.

export class InFlight {
  private used = 0;

  constructor(readonly limit: number) {}

  get bytes(): number {
    return this.used;
  }

  /** An account for one mail: what it takes is given back with release(). */
  open(): Hold {
    return new Hold(this);
  }

  /** @internal */
  tryTake(n: number): boolean {
    if (this.used + n > this.limit) return false;
    this.used += n;
    return true;
  }

  /** @internal */
  giveBack(n: number): void {
    this.used -= n;
  }
}

export class Hold {
  private held = 0;

  constructor(private readonly pool: InFlight) {}

  get bytes(): number {
    return this.held;
  }

  /** Hold at least `total` bytes in all; false (and nothing more taken) when the pool has no room. */
  ensure(total: number): boolean {
    if (total <= this.held) return true;
    if (!this.pool.tryTake(total - this.held)) return false;
    this.held = total;
    return true;
  }

  release(): void {
    this.pool.giveBack(this.held);
    this.held = 0;
  }
}

/**
 * Runs large commits one after another. The store copies a message's bytes while it writes them (the
 * driver's copy, SQLite's record): large mails committed together in one group would each be held twice
 * at the same moment. Small mails are not held back: they share the store's group commits as before.
 */
export class OneAtATime {
  private last: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const next = this.last.then(work, work);
    this.last = next.catch(() => undefined);
    return next;
  }
}
