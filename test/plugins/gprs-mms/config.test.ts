// A config that does not say which modem's MMS side this is: `nowsms start` refuses it, naming the modems
// the config has, before it opens any port or serial line.
import { afterEach, describe, expect, it } from 'vitest';
import { cli, writeConfig } from '../../helpers/process.ts';
import { cleanup } from '../gsm-modem/rig.ts';

afterEach(cleanup);

async function start(gprsOptions: string) {
  const config = await writeConfig({
    withoutEmail: true,
    imports: { '{ gsmModem }': 'plugins/gsm-modem/index.ts', '{ gprsMms }': 'plugins/gprs-mms/index.ts' },
    plugins: [
      "gsmModem({ id: 'modem-a', path: '/dev/nowsms-no-such-tty-a' })",
      "gsmModem({ id: 'modem-b', path: '/dev/nowsms-no-such-tty-b' })",
      `gprsMms({ mmscUrl: 'http://127.0.0.1:9/mms', ${gprsOptions} })`,
    ],
  });
  return cli(['start', '--config', config.file], { cwd: config.dir });
}

describe('gprs-mms: which modem', () => {
  it('two modems and no modem option: refused with NOWSMS_ERR_CONFIG naming both', async () => {
    const r = await start('');
    expect(r.status).not.toBe(0);
    const out = r.stderr + r.stdout;
    expect(out).toContain('NOWSMS_ERR_CONFIG');
    expect(out).toMatch(/2 modems are configured \(modem-a, modem-b\): name the one whose MMS side this is, e.g. gprsMms\(\{ modem: 'modem-a'/);
    expect(out).not.toContain('gateway started');
  });

  it('a modem option naming no modem: refused with NOWSMS_ERR_CONFIG naming the modems there are', async () => {
    const r = await start("modem: 'modem-c'");
    expect(r.status).not.toBe(0);
    const out = r.stderr + r.stdout;
    expect(out).toContain('NOWSMS_ERR_CONFIG');
    expect(out).toMatch(/no modem has id modem-c \(modems: modem-a, modem-b\)/);
    expect(out).not.toContain('gateway started');
  });
});
