// The throughput limit: a token bucket holding one token, refilled at `rate` per second, so submits leave
// evenly spaced and no one-second window at the SMSC sees more than the contract allows.

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

export class TokenBucket {
  private next = 0;

  constructor(private readonly rate: number | undefined) {}

  /** Resolves when one submit may go; rejects when the signal aborts first. */
  async take(signal?: AbortSignal): Promise<void> {
    if (!this.rate) return;
    const now = Date.now();
    const at = Math.max(now, this.next);
    this.next = at + 1000 / this.rate;
    const wait = at - now;
    if (wait <= 0) return;
    await new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal));
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, wait);
      const onAbort = () => {
        clearTimeout(t);
        reject(abortError(signal!));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
