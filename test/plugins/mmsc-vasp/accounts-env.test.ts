// NOWSMS_MM7_ACCOUNTS as the example config reads it.
import { describe, expect, it } from 'vitest';
import { isNowsmsError } from '../../../core/index.ts';
import { parseMm7Accounts } from '../../../plugins/mmsc-vasp/accounts-env.ts';

describe('NOWSMS_MM7_ACCOUNTS', () => {
  it('reads name:password:routeToUser entries, the user optional, %-escapes decoded', () => {
    expect(parseMm7Accounts('operator:s3cret:alice, cp:pw%3A%2Cx:, third:pw')).toEqual([
      { name: 'operator', password: 's3cret', routeTo: 'alice' },
      { name: 'cp', password: 'pw:,x' },
      { name: 'third', password: 'pw' },
    ]);
    expect(parseMm7Accounts(undefined)).toEqual([]);
    expect(parseMm7Accounts(' ')).toEqual([]);
  });

  it('refuses an entry without a password, a repeated name or extra fields, without echoing the password', () => {
    for (const bad of ['operator', 'operator:', 'a:pw,a:pw2', 'a:pw:alice:extra', 'a:%zz']) {
      let err: unknown;
      try {
        parseMm7Accounts(bad);
      } catch (e) {
        err = e;
      }
      expect(isNowsmsError(err, 'NOWSMS_ERR_CONFIG'), bad).toBe(true);
      expect((err as Error).message).toMatch(/^NOWSMS_MM7_ACCOUNTS: /);
    }
    for (const bad of ['a:topsecret:alice:extra', 'a:top%zzsecret']) expect(() => parseMm7Accounts(bad)).toThrow(/^(?!.*top)/s);
  });
});
