// NOWSMS_MM7_ACCOUNTS: the VASP accounts that may connect to the MM7 endpoint, in one environment variable:
// `name:password:routeToUser` entries, comma-separated (routeToUser may be empty; `%3A` and `%2C` write a
// colon or a comma inside a password). Entries only deliver (DeliverReq and reports); an account that
// may send MMS (SubmitReq) is declared in the config file with `submit: true`.
import { NowsmsError } from '../../core/index.ts';

export interface EnvAccount {
  name: string;
  password: string;
  routeTo?: string;
}

function fail(why: string): never {
  throw new NowsmsError('NOWSMS_ERR_CONFIG', `NOWSMS_MM7_ACCOUNTS: ${why}; expected name:password:routeToUser entries, comma-separated`);
}

function decode(field: string, value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return fail(`a ${field} has a broken %-escape${field === 'password' ? '' : ` (${JSON.stringify(value)})`}`);
  }
}

export function parseMm7Accounts(text: string | undefined): EnvAccount[] {
  const entries = (text ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const seen = new Set<string>();
  return entries.map((entry) => {
    const fields = entry.split(':');
    if (fields.length < 2 || fields.length > 3) fail(`${JSON.stringify(entry.replace(/:.*/, ':…'))} is not name:password or name:password:routeToUser`);
    const [name, password, routeTo] = fields.map((f, i) => decode(['name', 'password', 'route-to user'][i]!, f)) as [string, string, string?];
    if (!name) fail('an entry has no account name');
    if (!password) fail(`account ${name} has no password`);
    if (seen.has(name)) fail(`account ${name} is given twice`);
    seen.add(name);
    return { name, password, ...(routeTo ? { routeTo } : {}) };
  });
}
