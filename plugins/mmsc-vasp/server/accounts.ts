// The VASP accounts that may connect: passwords kept only as keyed digests taken at start and compared in
// constant time, and the address rules (`10.0.*.*, 192.168.1.5`). scrypt would cost tens of milliseconds per
// request, and HTTP sends the password with every request; a per-process HMAC key keeps the digests useless
// outside this process.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Mm7AccountOptions } from './options.ts';

export interface Mm7Account {
  name: string;
  routeTo: string | undefined;
  submit: boolean;
  reportsFor: string[] | undefined;
  /** The client's address may use this account. */
  allows(ip: string): boolean;
}

interface Entry {
  account: Mm7Account;
  digest: Buffer;
}

/** One entry of an allowIps list as a pattern: `*` stands for any digits of one octet (or IPv6 group). */
function ipPattern(entry: string): RegExp {
  const parts = entry
    .trim()
    .toLowerCase()
    .split('*')
    .map((p) => p.replace(/[.]/g, '\\.'));
  return new RegExp(`^${parts.join('[0-9a-f]*')}$`);
}

export class Accounts {
  private readonly key = randomBytes(32);
  private readonly byName = new Map<string, Entry>();
  /** Compared against for an unknown name, so the time taken does not say which names exist. */
  private readonly nobody = this.digest(randomBytes(16).toString('hex'));

  constructor(list: Mm7AccountOptions[]) {
    for (const a of list) {
      const patterns = a.allowIps?.split(',').map(ipPattern);
      this.byName.set(a.name, {
        digest: this.digest(a.password),
        account: {
          name: a.name,
          routeTo: a.routeTo,
          submit: a.submit,
          reportsFor: a.reportsFor,
          allows: (ip) => !patterns || patterns.some((p) => p.test(ip.toLowerCase())),
        },
      });
    }
  }

  get size(): number {
    return this.byName.size;
  }

  /** The account when name and password are right and the address is allowed; else why not (for the log, never for the client). */
  check(name: string, password: string, ip: string): { account: Mm7Account } | { why: 'unknown account' | 'bad password' | 'address not allowed' } {
    const entry = this.byName.get(name);
    const same = timingSafeEqual(this.digest(password), entry?.digest ?? this.nobody);
    if (!entry) return { why: 'unknown account' };
    if (!same) return { why: 'bad password' };
    if (!entry.account.allows(ip)) return { why: 'address not allowed' };
    return { account: entry.account };
  }

  private digest(password: string): Buffer {
    return createHmac('sha256', this.key).update(password, 'utf8').digest();
  }
}
