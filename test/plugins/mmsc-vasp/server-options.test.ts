// The endpoint's options and accounts as an operator writes them: errors that name the field, address
// rules with wildcards, and NOWSMS_MM7_ACCOUNTS of the example config.
import { describe, expect, it } from 'vitest';
import { mm7Server, parseMm7Accounts } from '../../../plugins/mmsc-vasp/index.ts';
import { Accounts } from '../../../plugins/mmsc-vasp/server/accounts.ts';

describe('mm7Server options', () => {
  it('names the field of a wrong option', () => {
    expect(() => mm7Server({ accounts: [{ name: 'a', password: 'p', allowIps: '10.0.0.0/8' }] })).toThrow(/plugins\.mm7-server\.accounts\.0\.allowIps/);
    expect(() => mm7Server({ path: 'mm7' })).toThrow(/plugins\.mm7-server\.path/);
    expect(() => mm7Server({ maxRequestBytes: 0 })).toThrow(/plugins\.mm7-server\.maxRequestBytes/);
    expect(() =>
      mm7Server({
        accounts: [
          { name: 'a', password: 'p' },
          { name: 'a', password: 'q' },
        ],
      }),
    ).toThrow(/accounts\.1\.name: two accounts are named a/);
    expect(() => mm7Server({ maxClients: 3 } as never)).toThrow(/maxClients/);
  });
});

describe('VASP accounts', () => {
  const accounts = new Accounts([
    { name: 'mmsc', password: 'right', allowIps: '10.0.*.*, 192.168.1.5', submit: false },
    { name: 'any', password: 'pw', submit: true },
  ]);

  it('takes the right password from an allowed address only', () => {
    expect(accounts.check('mmsc', 'right', '10.0.42.7')).toMatchObject({ account: { name: 'mmsc' } });
    expect(accounts.check('mmsc', 'right', '192.168.1.5')).toMatchObject({ account: { name: 'mmsc' } });
    expect(accounts.check('mmsc', 'right', '192.168.1.50')).toEqual({ why: 'address not allowed' });
    expect(accounts.check('mmsc', 'right', '10.1.0.1')).toEqual({ why: 'address not allowed' });
    expect(accounts.check('mmsc', 'wrong', '10.0.0.1')).toEqual({ why: 'bad password' });
    expect(accounts.check('mmsc', 'righ', '10.0.0.1')).toEqual({ why: 'bad password' });
    expect(accounts.check('nobody', 'right', '10.0.0.1')).toEqual({ why: 'unknown account' });
    expect(accounts.check('any', 'pw', '203.0.113.9')).toMatchObject({ account: { name: 'any', submit: true } });
  });
});

describe('NOWSMS_MM7_ACCOUNTS', () => {
  it('reads name:password:routeToUser entries, a password with colons, an empty routeToUser', () => {
    expect(parseMm7Accounts('mmsc:s3cret:alice, vasp:a:b:c:, short:pw')).toEqual([
      { name: 'mmsc', password: 's3cret', routeTo: 'alice' },
      { name: 'vasp', password: 'a:b:c' },
      { name: 'short', password: 'pw' },
    ]);
  });

  it('names the variable and never the password when an entry is wrong', () => {
    expect(() => parseMm7Accounts('no-colon-secret')).toThrow(/NOWSMS_MM7_ACCOUNTS: entry 1 is not name:password:routeToUser/);
    expect(() => parseMm7Accounts('no-colon-secret')).not.toThrow(/secret/);
    expect(() => parseMm7Accounts('mmsc::alice')).toThrow(/account mmsc has an empty password/);
  });
});
