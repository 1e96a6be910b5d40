// Services between plug-ins: declared in metadata, checked at boot, providers set up first, and reached
// through the API without importing the providing plug-in.
import { afterEach, describe, expect, it } from 'vitest';
import type { ModemSmsService, NowsmsPlugin } from '../../core/index.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

function fakeModemSms(modem: string): ModemSmsService {
  return { modem, sendBinary: async () => ({ remoteIds: ['1'] }), onPortSms: () => () => {} };
}

const provider = (name: string, modem: string): NowsmsPlugin => ({
  name,
  provides: ['modem-sms'],
  setup: (api) => api.provide('modem-sms', fakeModemSms(modem)),
});

describe('plug-in services', () => {
  it('a plug-in that needs a service nobody provides stops the boot with a coded error naming what to add', async () => {
    const needy: NowsmsPlugin = { name: 'gprs-mms', needs: ['modem-sms'], setup: () => {} };
    await expect(startTestGateway({ smtp: false, pop3: false, plugins: [needy] })).rejects.toMatchObject({
      code: 'NOWSMS_ERR_PLUGIN',
      message: expect.stringMatching(/plug-in gprs-mms needs service modem-sms, which no plug-in provides: add a modem, gsmModem\(.*nowsms\.config\.ts/),
    });
  });

  it('providers are set up first, whatever the order in the config; one provider is the service, several are services', async () => {
    const seen: string[] = [];
    const needy: NowsmsPlugin = {
      name: 'gprs-mms',
      needs: ['modem-sms'],
      setup(api) {
        seen.push(...api.services('modem-sms').map((s) => s.modem));
        expect(() => api.service('modem-sms')).toThrow(/modem-a, modem-b all provide it: use api.services/);
      },
    };
    gw = await startTestGateway({ smtp: false, pop3: false, plugins: [needy, provider('modem-a', 'm1'), provider('modem-b', 'm2')] });
    expect(seen).toEqual(['m1', 'm2']);
  });

  it('the declarations must be honest: providing or using an undeclared service, or declaring one never provided, is refused', async () => {
    const undeclared: NowsmsPlugin = { name: 'sneaky', setup: (api) => api.provide('modem-sms', fakeModemSms('x')) };
    await expect(startTestGateway({ smtp: false, pop3: false, plugins: [undeclared] })).rejects.toThrow(
      /sneaky provides service modem-sms without declaring it/,
    );
    const user: NowsmsPlugin = { name: 'user', setup: (api) => void api.service('modem-sms') };
    await expect(startTestGateway({ smtp: false, pop3: false, plugins: [provider('m', 'm1'), user] })).rejects.toThrow(
      /user uses service modem-sms without declaring it: add 'modem-sms' to its needs/,
    );
    const idle: NowsmsPlugin = { name: 'idle', provides: ['modem-sms'], setup: () => {} };
    await expect(startTestGateway({ smtp: false, pop3: false, plugins: [idle] })).rejects.toThrow(/idle declares service modem-sms but did not provide it/);
  });
});
