import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { listenOn } from '../../core/listen.ts';
import { silentLogger } from '../../core/log.ts';

describe('listenOn', () => {
  it('reports the real port, and a port already taken as a config error naming the option', async () => {
    const log = silentLogger();
    const first = net.createServer();
    const address = await listenOn(first, 0, '127.0.0.1', { plugin: 'pop3', option: 'port', log });
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    const port = Number(address.split(':')[1]);
    const second = net.createServer();
    await expect(listenOn(second, port, '127.0.0.1', { plugin: 'pop3', option: 'port', log })).rejects.toMatchObject({
      code: 'NOWSMS_ERR_CONFIG',
      message: expect.stringMatching(/pop3: cannot listen on 127\.0\.0\.1:\d+ \(EADDRINUSE\): choose another plugins\.pop3\.port/),
    });
    await new Promise((r) => first.close(r));
  });
});
