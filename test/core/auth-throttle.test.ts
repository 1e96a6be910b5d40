// The failed-login rate limit on its own, with a clock the test moves: who gets locked out, for how long,
// and who does not.
import { describe, expect, it } from 'vitest';
import { AuthThrottle, isAuthLocked, logSafeName, plainIp } from '../../core/auth-throttle.ts';
import { silentLogger } from '../../core/log.ts';

const LIMITS = { failuresPerIp: 3, failuresPerUser: 5, windowSeconds: 60, lockoutSeconds: 300 };

function throttle() {
  let now = 1_000_000;
  const t = new AuthThrottle(LIMITS, silentLogger(), () => now);
  return { t, advance: (s: number) => (now += s * 1000) };
}

const refused = (f: () => void) => {
  try {
    f();
    return false;
  } catch (e) {
    expect(isAuthLocked(e)).toBe(true);
    return true;
  }
};

describe('auth throttle', () => {
  it('locks an address out after the limit, for every name, until the lockout ends', () => {
    const { t, advance } = throttle();
    for (let i = 0; i < 3; i++) {
      expect(refused(() => t.check('alice', '10.0.0.1', 'smtp'))).toBe(false);
      t.failed('alice', '10.0.0.1', 'smtp');
    }
    expect(refused(() => t.check('alice', '10.0.0.1', 'pop3'))).toBe(true);
    expect(refused(() => t.check('bob', '10.0.0.1', 'smpp'))).toBe(true);
    expect(refused(() => t.check('alice', '10.0.0.2', 'smtp'))).toBe(false);
    advance(301);
    expect(refused(() => t.check('alice', '10.0.0.1', 'smtp'))).toBe(false);
  });

  it('forgets failures older than the window', () => {
    const { t, advance } = throttle();
    t.failed('alice', '10.0.0.1', 'smtp');
    t.failed('alice', '10.0.0.1', 'smtp');
    advance(61);
    t.failed('alice', '10.0.0.1', 'smtp');
    expect(refused(() => t.check('alice', '10.0.0.1', 'smtp'))).toBe(false);
  });

  it('locks an account guessed at from many addresses, but not from an address it logged in from', () => {
    const { t, advance } = throttle();
    t.succeeded('alice', '192.0.2.7'); // alice's own machine
    for (let i = 1; i <= 5; i++) t.failed('alice', `10.0.1.${i}`, 'smtp');
    expect(refused(() => t.check('alice', '10.0.2.1', 'smtp'))).toBe(true);
    expect(refused(() => t.check('alice', '192.0.2.7', 'pop3'))).toBe(false);
    // Her phone's poll from her own address does not lift the lock for the guesser's new addresses.
    t.succeeded('alice', '192.0.2.7');
    expect(refused(() => t.check('alice', '10.0.2.1', 'smtp'))).toBe(true);
    expect(refused(() => t.check('bob', '10.0.2.1', 'smtp'))).toBe(false);
    // A refused attempt does not extend the account's lock.
    advance(200);
    expect(refused(() => t.check('alice', '10.0.2.2', 'smtp'))).toBe(true);
    advance(101);
    expect(refused(() => t.check('alice', '10.0.2.3', 'smtp'))).toBe(false);
  });

  it('does not count refusals: neighbours behind a locked NAT that keep polling do not prolong the lockout', () => {
    const { t, advance } = throttle();
    for (let i = 0; i < 3; i++) t.failed('mallory', '198.51.100.1', 'smtp');
    // Bob's client keeps polling near the end of the lockout (within the window of what the lock ends with).
    advance(290);
    for (let i = 0; i < 20; i++) expect(refused(() => t.check('bob', '198.51.100.1', 'pop3'))).toBe(true);
    advance(11);
    expect(refused(() => t.check('bob', '198.51.100.1', 'pop3'))).toBe(false);
    // One more failure after the lockout does not lock the address again at once.
    t.failed('bob', '198.51.100.1', 'pop3');
    expect(refused(() => t.check('bob', '198.51.100.1', 'pop3'))).toBe(false);
  });

  it('keeps an address counted after a success there (one valid account does not reset a guesser)', () => {
    const { t } = throttle();
    t.failed('bob', '10.0.0.9', 'smtp');
    t.failed('bob', '10.0.0.9', 'smtp');
    t.succeeded('mallory', '10.0.0.9');
    t.failed('carol', '10.0.0.9', 'smtp');
    expect(refused(() => t.check('mallory', '10.0.0.9', 'smtp'))).toBe(true);
  });

  it('writes addresses and names so that a log reader cannot be fooled', () => {
    expect(plainIp('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(plainIp('2001:db8::1')).toBe('2001:db8::1');
    expect(logSafeName('alice.smith')).toBe('alice.smith');
    expect(logSafeName('x from 203.0.113.9 (smtp)')).toBe('?');
    expect(logSafeName('')).toBe('?');
  });
});
