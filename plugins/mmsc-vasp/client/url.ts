// `http(s)://<vaspid>:<password>@host:port/path?vasid=..&servicecode=..&version=..`: one MMSC in one
// environment variable (NOWSMS_MMSC_URL). Unknown parameters are an error, so a misspelt one does not
// silently do nothing. The credentials leave the URL: they go as HTTP Basic, never in the request line.
import { NowsmsError } from 'nowsms';
import { isMm7Version } from '../mm7/versions.ts';
import type { Mm7ClientOptions } from './options.ts';

type UrlOptions = Pick<Mm7ClientOptions, 'url' | 'vaspId' | 'password' | 'vasId' | 'serviceCode' | 'version'>;

function fail(why: string): never {
  throw new NowsmsError(
    'NOWSMS_ERR_CONFIG',
    `NOWSMS_MMSC_URL: ${why}; expected http(s)://<vaspid>:<password>@<host>:<port>/<path>?vasid=..&servicecode=..&version=REL-6-MM7-1-4`,
  );
}

export function parseMmscUrl(url: string): UrlOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return fail(`cannot read ${JSON.stringify(url.replace(/\/\/[^@/]*@/, '//***@'))} as a URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') fail(`scheme ${u.protocol} is not http: or https:`);
  if (!u.hostname) fail('no host');
  if (!u.username) fail('no VASP id before the @');
  const out: UrlOptions = { url: '', vaspId: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
  for (const [key, value] of u.searchParams) {
    switch (key.toLowerCase()) {
      case 'vasid':
        out.vasId = value;
        break;
      case 'servicecode':
        out.serviceCode = value;
        break;
      case 'version':
        if (!isMm7Version(value)) fail(`version=${value} is not one of REL-5-MM7-1-0 .. REL-5-MM7-1-3, REL-6-MM7-1-0 .. REL-6-MM7-1-4`);
        out.version = value;
        break;
      default:
        fail(`unknown parameter ${key}`);
    }
  }
  u.username = '';
  u.password = '';
  u.search = '';
  out.url = u.toString();
  return out;
}
