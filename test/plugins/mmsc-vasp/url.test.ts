// NOWSMS_MMSC_URL: the example config's one-variable MMSC, its wiring in nowsms.config.ts, and option checks.
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../../core/config.ts';
import { mm7Client, parseMmscUrl } from '../../../plugins/mmsc-vasp/index.ts';
import { ROOT } from '../../helpers/process.ts';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('parseMmscUrl', () => {
  it('reads credentials, vasid, servicecode and version, and keeps the credentials out of the url', () => {
    expect(parseMmscUrl('https://my%20vasp:p%40ss@mmsc.example:8443/mm7/in?vasid=V1&servicecode=S2&version=REL-5-MM7-1-2')).toEqual({
      url: 'https://mmsc.example:8443/mm7/in',
      vaspId: 'my vasp',
      password: 'p@ss',
      vasId: 'V1',
      serviceCode: 'S2',
      version: 'REL-5-MM7-1-2',
    });
  });

  it('names what is wrong', () => {
    expect(() => parseMmscUrl('ftp://a:b@h/')).toThrow(/scheme ftp: is not http: or https:/);
    expect(() => parseMmscUrl('http://h/')).toThrow(/no VASP id/);
    expect(() => parseMmscUrl('http://a:b@h/?version=REL-7')).toThrow(/version=REL-7/);
    expect(() => parseMmscUrl('http://a:b@h/?vasId=1&colour=red')).toThrow(/unknown parameter colour/);
  });
});

describe('mm7Client options', () => {
  it('a misspelt or invalid option names its field', () => {
    expect(() => mm7Client({ url: 'http://h/mm7', vaspId: 'a', password: 'p', vasid: 'x' } as never)).toThrow(/mm7-client:mmsc.*vasid/s);
    expect(() => mm7Client({ url: 'ftp://h/mm7', vaspId: 'a', password: 'p' })).toThrow(/url/);
    expect(() => mm7Client({ url: 'http://h/mm7', vaspId: 'a', password: 'p', version: 'REL-7-MM7-1-0' as never })).toThrow(/version/);
  });
});

describe('the example config', () => {
  it('adds the MMSC connection when NOWSMS_MMSC_URL is set', async () => {
    vi.stubEnv('NOWSMS_MMSC_URL', 'http://acme:pw@127.0.0.1:8190/mm7?vasid=news');
    const config = await loadConfig(path.join(ROOT, 'nowsms.config.ts'));
    expect(config.plugins.map((p) => p.name)).toContain('mm7-client:mmsc');
  });
});
