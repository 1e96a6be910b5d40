// The rate limit on failed logins, shared by every service (SMTP, POP3, SMPP, and HTTP to come).
//
// Two counters, each over a sliding window:
//   - per address: after `failuresPerIp` failures from one IP, that IP is refused everything, for every
//     account, for `lockoutSeconds`. It hits the guesser (and whoever shares its NAT), no one else.
//   - per account: after `failuresPerUser` failures against one name, from anywhere, that name is refused
//     for `lockoutSeconds`, except from addresses it logged in from successfully since the gateway started.
//     This is what stops a guesser that rotates addresses; the exception is what keeps a legitimate user
//     working from their usual machines while someone else hammers the account.
// A refused attempt does not check the password (no oracle while locked) and extends no lock, of an account
// or of an address (an attacker can keep it locked only by failing with fresh attempts after it ends).
// State lives in this process: a restart forgets it, and two gateways on one database do not share it.
import { isNowsmsError, NowsmsError } from './errors.ts';
import type { Logger } from './log.ts';

export interface AuthLimits {
  failuresPerIp: number;
  failuresPerUser: number;
  windowSeconds: number;
  lockoutSeconds: number;
}

interface Counter {
  /** Failure times within the window, oldest first. */
  times: number[];
  lockedUntil: number;
}

/** Entries kept per map before the oldest are forgotten: a spray of random names must not grow memory without bound. */
const MAX_ENTRIES = 50_000;
/** Addresses remembered per user as "logged in from here before". */
const MAX_TRUSTED = 20;

/** The address as logs and counters name it: IPv4-mapped IPv6 (`::ffff:1.2.3.4`) is the IPv4 address. */
export function plainIp(ip: string): string {
  return ip.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
}

/** A user name safe to write into a log line fail2ban reads: an attacker chooses it, so nothing but name characters. */
export function logSafeName(name: string): string {
  return /^[\w.@+-]{1,64}$/.test(name) ? name : '?';
}

/** A login refused because of a lockout (by brand and code: the error may come from another copy of core). */
export function isAuthLocked(e: unknown): boolean {
  return isNowsmsError(e, 'NOWSMS_ERR_AUTH_LOCKED');
}

export class AuthThrottle {
  private readonly ips = new Map<string, Counter>();
  private readonly users = new Map<string, Counter>();
  private readonly trusted = new Map<string, string[]>();

  constructor(
    private readonly limits: AuthLimits,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws NOWSMS_ERR_AUTH_LOCKED (temporary) when this address, or this name from an address it never used, is locked out. */
  check(name: string, ip: string, service: string): void {
    const t = this.now();
    const byIp = this.ips.get(ip);
    const byUser = this.users.get(name);
    const ipLocked = byIp !== undefined && byIp.lockedUntil > t;
    const userLocked = !ipLocked && byUser !== undefined && byUser.lockedUntil > t && !this.trusted.get(name)?.includes(ip);
    if (!ipLocked && !userLocked) return;
    const until = ipLocked ? byIp.lockedUntil : byUser!.lockedUntil;
    const seconds = Math.ceil((until - t) / 1000);
    // A refusal is not counted: it checked no password, and neighbours behind the same NAT whose clients keep
    // polling during the lockout must not keep the address locked after it ends.
    this.log.warn(
      { event: 'auth-refused', ip, service, user: name, lockedOut: ipLocked ? 'address' : 'user', retryAfterSeconds: seconds },
      `authentication refused for user ${logSafeName(name)} from ${ip} (${service}): ${ipLocked ? 'address' : 'account'} locked out`,
    );
    throw new NowsmsError(
      'NOWSMS_ERR_AUTH_LOCKED',
      ipLocked ? `too many failed logins from your address; try again in ${seconds} s` : `too many failed logins for this account; try again in ${seconds} s`,
      { temporary: true },
    );
  }

  /** A failed login: counted against the address and the name; returns how many failures the address has in the window. */
  failed(name: string, ip: string, service: string): number {
    const t = this.now();
    const ipCount = this.bump(this.ips, ip, t);
    const userCount = this.bump(this.users, name, t);
    const lockout = this.limits.lockoutSeconds * 1000;
    if (ipCount >= this.limits.failuresPerIp && this.ips.get(ip)!.lockedUntil <= t) {
      this.ips.get(ip)!.lockedUntil = t + lockout;
      this.log.warn(
        { event: 'auth-lockout', ip, service, failures: ipCount, lockoutSeconds: this.limits.lockoutSeconds },
        `address ${ip} locked out for ${this.limits.lockoutSeconds} s after ${ipCount} failed logins`,
      );
    }
    if (userCount >= this.limits.failuresPerUser && this.users.get(name)!.lockedUntil <= t) {
      this.users.get(name)!.lockedUntil = t + lockout;
      this.log.warn(
        { event: 'auth-lockout', user: name, service, failures: userCount, lockoutSeconds: this.limits.lockoutSeconds },
        `user ${logSafeName(name)} locked out for ${this.limits.lockoutSeconds} s for addresses it has not logged in from, after ${userCount} failed logins`,
      );
    }
    return ipCount;
  }

  /**
   * A successful login: the address becomes one of the account's own. Neither count is reset: a guesser with
   * one valid account must not reset its address's, and the owner's poll must not lift the account's lock for
   * the guesser who rotates addresses.
   */
  succeeded(name: string, ip: string): void {
    const list = (this.trusted.get(name) ?? []).filter((a) => a !== ip);
    list.push(ip);
    if (list.length > MAX_TRUSTED) list.shift();
    this.trusted.delete(name);
    this.trusted.set(name, list);
    if (this.trusted.size > MAX_ENTRIES) this.trusted.delete(this.trusted.keys().next().value!);
  }

  /** Recent failures from an address, for the growing delay. */
  recentFailures(ip: string): number {
    const c = this.ips.get(ip);
    if (!c) return 0;
    this.prune(c, this.now());
    return c.times.length;
  }

  private bump(map: Map<string, Counter>, key: string, t: number): number {
    let c = map.get(key);
    if (c)
      map.delete(key); // re-insert: the map's order is least recently failed first
    else c = { times: [], lockedUntil: 0 };
    this.prune(c, t);
    c.times.push(t);
    // Only the last N matter for the limit; keep the array bounded.
    const keep = Math.max(this.limits.failuresPerIp, this.limits.failuresPerUser);
    if (c.times.length > keep) c.times.splice(0, c.times.length - keep);
    map.set(key, c);
    // A hard cap: under a spray of more addresses than this, the oldest is forgotten even if it is locked.
    if (map.size > MAX_ENTRIES) map.delete(map.keys().next().value!);
    return c.times.length;
  }

  private prune(c: Counter, t: number): void {
    const from = t - this.limits.windowSeconds * 1000;
    let i = 0;
    while (i < c.times.length && c.times[i]! <= from) i++;
    if (i) c.times.splice(0, i);
  }
}
