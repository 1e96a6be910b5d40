// Registration rules a plug-in author meets: names are namespaced, unique, and closed once the gateway runs.
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineAdminCommand, type PluginApi } from '../../../core/index.ts';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

const ping = defineAdminCommand({
  name: 'ping',
  description: 'answers pong',
  request: z.strictObject({ n: z.number().int() }),
  handler: ({ n }) => ({ pong: n + 1 }),
});

describe('admin registry', () => {
  it("answers a plug-in's command under its plug-in's name and refuses registrations after start", async () => {
    let api: PluginApi | undefined;
    gw = await startTestGateway({
      smtp: false,
      pop3: false,
      plugins: [
        {
          name: 'pinger',
          setup(a) {
            api = a;
            a.adminCommand(ping);
          },
        },
      ],
    });
    expect(await gw.gateway.admin.call('pinger.ping', { n: 1 })).toEqual({ pong: 2 });
    await expect(gw.gateway.admin.call('ping', { n: 1 })).rejects.toMatchObject({ code: 'NOWSMS_ERR_UNKNOWN_COMMAND' });
    await expect(gw.gateway.admin.call('pinger.ping', { n: 'one' })).rejects.toMatchObject({ code: 'NOWSMS_ERR_BAD_REQUEST', field: 'n' });
    expect(() => api!.adminCommand({ ...ping, name: 'late' })).toThrow(expect.objectContaining({ code: 'NOWSMS_ERR_FROZEN' }));
    expect(() => api!.adminTopic({ topic: 'late', description: '', subscribe: () => () => {} })).toThrow(
      expect.objectContaining({ code: 'NOWSMS_ERR_FROZEN' }),
    );
  });

  it('refuses two commands of one name', async () => {
    await expect(
      startTestGateway({
        smtp: false,
        pop3: false,
        plugins: [
          {
            name: 'twice',
            setup(a) {
              a.adminCommand(ping);
              a.adminCommand(ping);
            },
          },
        ],
      }),
    ).rejects.toMatchObject({ code: 'NOWSMS_ERR_PLUGIN', message: expect.stringMatching(/admin command twice\.ping is already registered/) });
  });
});
