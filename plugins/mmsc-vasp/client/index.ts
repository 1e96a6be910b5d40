// Outbound MM7: the gateway as a VASP of an operator MMSC (see ../README.md). One plug-in per MMSC.
import { definePlugin, parseOptions, type NowsmsPlugin } from 'nowsms';
import { mm7ClientConnection } from './connection.ts';
import { optionsSchema, type Mm7ClientOptions } from './options.ts';

export type { Mm7ClientOptions } from './options.ts';
export { parseMmscUrl } from './url.ts';

export function mm7Client(options: Mm7ClientOptions): NowsmsPlugin {
  const id = typeof options?.id === 'string' ? options.id : 'mmsc';
  const name = `mm7-client:${id}`;
  const opts = parseOptions(name, optionsSchema, options);
  return definePlugin({
    name,
    setup(api) {
      const connection = mm7ClientConnection(api, opts);
      connection.options = opts;
      api.connection(connection);
    },
  });
}
