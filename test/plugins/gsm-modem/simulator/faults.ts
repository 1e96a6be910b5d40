// Misbehaviour a test asks for: refused sends, swallowed commands, a slow network.

interface Swallow {
  pattern: RegExp;
  remaining: number;
}

export class Faults {
  private sendFailures: number[] = [];
  private swallowing: Swallow[] = [];
  private refusing: { pattern: RegExp; cmsError: number }[] = [];
  cmgsDelayMs = 0;

  failNextSends(count: number, cmsError: number): void {
    for (let i = 0; i < count; i++) this.sendFailures.push(cmsError);
  }

  /** The +CMS ERROR code the next submission must fail with, if one is due. */
  takeSendFailure(): number | undefined {
    return this.sendFailures.shift();
  }

  noAnswer(pattern: RegExp | string, times: number): void {
    const re = typeof pattern === 'string' ? new RegExp(`^${escapeRegExp(pattern)}`, 'i') : pattern;
    this.swallowing.push({ pattern: re, remaining: times });
  }

  /** Commands matching this answer `+CMS ERROR: <cmsError>` and do nothing (until clear()). */
  refuse(pattern: RegExp, cmsError: number): void {
    this.refusing.push({ pattern, cmsError });
  }

  /** The +CMS ERROR code this command line is to be refused with, if any. */
  refusal(line: string): number | undefined {
    return this.refusing.find((r) => r.pattern.test(line))?.cmsError;
  }

  /** Whether this command line is to get no answer at all; counts the swallow down. */
  swallows(line: string): boolean {
    const s = this.swallowing.find((x) => x.remaining > 0 && x.pattern.test(line));
    if (!s) return false;
    s.remaining -= 1;
    return true;
  }

  clear(): void {
    this.sendFailures = [];
    this.swallowing = [];
    this.refusing = [];
    this.cmgsDelayMs = 0;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
