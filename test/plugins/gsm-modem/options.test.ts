// The factory's options and the example config's wiring (NOWSMS_MODEM and friends).
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config.ts';
import { isNowsmsError } from '../../../core/index.ts';
import { gsmModem } from '../../../plugins/gsm-modem/index.ts';
import { ROOT } from '../../helpers/process.ts';

describe('gsmModem options', () => {
  it('names the plug-in after the modem id', () => {
    expect(gsmModem({ id: 'modem1', path: '/dev/ttyUSB0' }).name).toBe('gsm-modem:modem1');
  });

  it('refuses bad options, naming the field', () => {
    const error = (opts: unknown) => {
      try {
        gsmModem(opts as never);
      } catch (e) {
        return isNowsmsError(e, 'NOWSMS_ERR_CONFIG') ? e.message : String(e);
      }
      return 'no error';
    };
    expect(error({ path: '/dev/ttyUSB0' })).toMatch(/plugins\.gsm-modem:\?\.id/);
    expect(error({ id: 'm', path: '/dev/ttyUSB0', pin: '12a4' })).toMatch(/plugins\.gsm-modem:m\.pin: 4 to 8 digits/);
    expect(error({ id: 'm', path: '/dev/ttyUSB0', smsc: 'operator' })).toMatch(/plugins\.gsm-modem:m\.smsc/);
    expect(error({ id: 'm', path: '/dev/ttyUSB0', baud: 9600 })).toMatch(/baud/);
  });
});

describe('the example nowsms.config.ts', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('adds one modem, open to any traffic, when NOWSMS_MODEM names a serial device', async () => {
    process.env.NOWSMS_MODEM = '/dev/ttyUSB7';
    process.env.NOWSMS_MODEM_PIN = '1234';
    process.env.NOWSMS_MODEM_NUMBER = '+15550001111';
    process.env.NOWSMS_MODEM_ROUTE_TO = 'alice';
    const config = await loadConfig(path.join(ROOT, 'nowsms.config.ts'));
    const modems = config.plugins.filter((p) => p.name.startsWith('gsm-modem:'));
    expect(modems.map((p) => p.name)).toEqual(['gsm-modem:modem1']);
    const registered: { id: string; anyTraffic?: boolean; numbers?: string[] }[] = [];
    await modems[0]!.setup({
      connection: (c: never) => registered.push(c),
      normalizeAddress: (a: string) => a,
      log: { child: () => ({}) },
      provide: () => {},
    } as never);
    expect(registered[0]).toMatchObject({ id: 'modem1', anyTraffic: true, numbers: ['+15550001111'] });
  });
});
