// Listening on a port, the same way for every server plug-in: an address that cannot be had is a config
// error naming the option; errors after that are one client's trouble and only logged.
import type net from 'node:net';
import { NowsmsError } from './errors.ts';
import type { Logger } from './log.ts';

/** Resolves with the bound address as `host:port` (`[::1]:port` for IPv6), the port being the real one when 0 was asked. */
export function listenOn(server: net.Server, port: number, host: string, where: { plugin: string; option: string; log: Logger }): Promise<string> {
  return new Promise((resolve, reject) => {
    const fail = (e: NodeJS.ErrnoException) =>
      reject(
        new NowsmsError(
          'NOWSMS_ERR_CONFIG',
          `${where.plugin}: cannot listen on ${host}:${port} (${e.code ?? e.message}): choose another plugins.${where.plugin}.${where.option}`,
          {
            cause: e,
          },
        ),
      );
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      server.on('error', (err) => where.log.error({ err }, `${where.plugin} listener error`));
      const a = server.address() as net.AddressInfo;
      resolve(a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`);
    });
  });
}
