// The operator's limit on how fast one modem sends (sendsPerMinute), as an even spacing between AT+CMGS
// commands: SIM-card plans and operators flag bursts, not averages.

export class RateGate {
  private next = 0;
  private readonly spacingMs: number;

  constructor(perMinute: number | undefined) {
    this.spacingMs = perMinute === undefined ? 0 : 60_000 / perMinute;
  }

  async wait(signal?: AbortSignal): Promise<void> {
    if (this.spacingMs === 0) return;
    const now = Date.now();
    const at = Math.max(now, this.next);
    this.next = at + this.spacingMs;
    const delay = at - now;
    if (delay <= 0) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, delay);
      signal?.addEventListener(
        'abort',
        () => {
          clearTimeout(t);
          resolve();
        },
        { once: true },
      );
    });
  }
}
