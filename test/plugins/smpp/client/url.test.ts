// NOWSMS_SMSC_URL: the example config's one-variable SMSC, and its wiring in nowsms.config.ts.
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../../../core/config.ts';
import { parseSmscUrl, smppClient } from '../../../../plugins/smpp/index.ts';
import { ROOT } from '../../../helpers/process.ts';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('parseSmscUrl', () => {
  it('reads credentials, host, port and every documented parameter', () => {
    expect(parseSmscUrl('smpp://acme:s%40cret@smsc.example.net:2776?tls=1&window=25&throughput=50&receipts=1')).toEqual({
      host: 'smsc.example.net',
      port: 2776,
      systemId: 'acme',
      password: 's@cret',
      tls: true,
      window: 25,
      throughput: 50,
      registeredDelivery: true,
    });
  });

  it('defaults the port to 2775 and leaves unset options out', () => {
    expect(parseSmscUrl('smpp://acme:pw@10.0.0.5')).toEqual({ host: '10.0.0.5', port: 2775, systemId: 'acme', password: 'pw' });
  });

  it('ssmpp: means TLS', () => {
    expect(parseSmscUrl('ssmpp://acme:pw@smsc:3550').tls).toBe(true);
  });

  it.each([
    ['http://acme:pw@smsc:2775', /scheme http:/],
    ['smpp://smsc:2775', /no system_id/],
    ['smpp://acme:pw@smsc:2775?windw=5', /unknown parameter windw/],
    ['smpp://acme:pw@smsc:2775?window=0', /window=0/],
    ['smpp://acme:pw@smsc:2775?receipts=maybe', /receipts=maybe/],
    ['not a url', /cannot read/],
  ])('%s is refused with a coded error that says what to write', (url, why) => {
    expect(() => parseSmscUrl(url)).toThrow(why);
    try {
      parseSmscUrl(url);
    } catch (e) {
      expect((e as { code: string }).code).toBe('NOWSMS_ERR_CONFIG');
    }
  });

  it('what it returns is valid client options', () => {
    expect(smppClient({ id: 'smsc', ...parseSmscUrl('smpp://acme:pw@smsc:2775?window=5') }).name).toBe('smpp-client:smsc');
  });
});

describe('smppClient options', () => {
  it('a bad option names its field', () => {
    expect(() => smppClient({ id: 'x', host: 'h', systemId: 'a', password: 'toolongpassword' })).toThrow(/plugins\.smpp-client:x\.password/);
    // @ts-expect-error: the option does not exist
    expect(() => smppClient({ id: 'x', host: 'h', systemId: 'a', password: 'p', windw: 3 })).toThrow(/windw/);
  });
});

describe('the example config', () => {
  it('adds an SMSC open to any traffic when NOWSMS_SMSC_URL is set', async () => {
    vi.stubEnv('NOWSMS_SMSC_URL', 'smpp://acme:pw@127.0.0.1:2775?window=4');
    const config = await loadConfig(path.join(ROOT, 'nowsms.config.ts'));
    expect(config.plugins.map((p) => p.name)).toContain('smpp-client:smsc');
  });
});
