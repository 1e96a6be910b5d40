// SMPP v3.4 client connections to operator SMSCs (see README.md): one plug-in per SMSC bind.
import { definePlugin, parseOptions, type NowsmsPlugin } from 'nowsms';
import { smppClientConnection } from './connection.ts';
import { optionsSchema, type SmppClientOptions } from './options.ts';

export type { SmppClientOptions } from './options.ts';
export { parseSmscUrl } from './url.ts';

export function smppClient(options: SmppClientOptions): NowsmsPlugin {
  const id = typeof options?.id === 'string' ? options.id : '?';
  const name = `smpp-client:${id}`;
  const opts = parseOptions(name, optionsSchema, options);
  return definePlugin({
    name,
    setup(api) {
      const connection = smppClientConnection(api, opts);
      connection.options = opts;
      api.connection(connection);
    },
  });
}
