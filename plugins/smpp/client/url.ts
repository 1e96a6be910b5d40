// `smpp://<system_id>:<password>@<host>:<port>?tls=1&window=N&throughput=N&receipts=1`: one SMSC in one
// environment variable (NOWSMS_SMSC_URL). Parsed into client options; unknown parameters are an error,
// so a misspelt one does not silently do nothing.
import { NowsmsError } from 'nowsms';
import type { SmppClientOptions } from './options.ts';

type UrlOptions = Pick<SmppClientOptions, 'host' | 'port' | 'systemId' | 'password' | 'tls' | 'window' | 'throughput' | 'registeredDelivery'>;

function fail(why: string): never {
  throw new NowsmsError(
    'NOWSMS_ERR_CONFIG',
    `NOWSMS_SMSC_URL: ${why}; expected smpp://<system_id>:<password>@<host>:<port>?tls=1&window=N&throughput=N&receipts=1`,
  );
}

function flag(name: string, value: string): boolean {
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  return fail(`${name}=${value} is not 1 or 0`);
}

function positive(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) fail(`${name}=${value} is not a positive number`);
  return n;
}

export function parseSmscUrl(url: string): UrlOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return fail(`cannot read ${JSON.stringify(url)} as a URL`);
  }
  if (u.protocol !== 'smpp:' && u.protocol !== 'ssmpp:') fail(`scheme ${u.protocol} is not smpp: (or ssmpp: for TLS)`);
  if (!u.hostname) fail('no host');
  if (!u.username) fail('no system_id before the @');
  const out: UrlOptions = {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: u.port ? Number(u.port) : 2775,
    systemId: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    ...(u.protocol === 'ssmpp:' ? { tls: true } : {}),
  };
  for (const [key, value] of u.searchParams) {
    switch (key) {
      case 'tls':
        out.tls = flag(key, value);
        break;
      case 'window':
        out.window = Math.floor(positive(key, value));
        break;
      case 'throughput':
        out.throughput = positive(key, value);
        break;
      case 'receipts':
        out.registeredDelivery = flag(key, value);
        break;
      default:
        fail(`unknown parameter ${key}`);
    }
  }
  return out;
}
