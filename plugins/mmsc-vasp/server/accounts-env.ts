// NOWSMS_MM7_ACCOUNTS in the example config: `name:password:routeToUser` entries, comma-separated, so one
// environment variable declares the VASP accounts. The password is everything between the first and the
// last colon (it may hold colons, not commas); routeToUser may be empty or left out with its colon.
import { NowsmsError } from 'nowsms';
import type { Mm7ServerOptions } from './options.ts';

type Account = NonNullable<Mm7ServerOptions['accounts']>[number];

export function parseMm7Accounts(text: string, variable = 'NOWSMS_MM7_ACCOUNTS'): Account[] {
  return text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '')
    .map((entry, i) => {
      const first = entry.indexOf(':');
      const last = entry.lastIndexOf(':');
      const name = entry.slice(0, first);
      // Never the entry itself in the message: it holds a password.
      if (first <= 0) throw new NowsmsError('NOWSMS_ERR_CONFIG', `${variable}: entry ${i + 1} is not name:password:routeToUser`);
      const [password, routeTo] = first === last ? [entry.slice(first + 1), ''] : [entry.slice(first + 1, last), entry.slice(last + 1)];
      if (password === '') throw new NowsmsError('NOWSMS_ERR_CONFIG', `${variable}: account ${name} has an empty password`);
      return { name, password, ...(routeTo ? { routeTo } : {}) };
    });
}
