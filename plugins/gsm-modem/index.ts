// A GSM modem on a serial line as a gateway connection (see README.md): send and receive SMS in PDU mode,
// long and Unicode messages, delivery reports, several modems at once (one plug-in each).
import { definePlugin, parseOptions, type NowsmsPlugin } from 'nowsms';
import { Modem } from './modem.ts';
import { optionsSchema, type GsmModemOptions } from './options.ts';

export type { GsmModemOptions } from './options.ts';

export function gsmModem(options: GsmModemOptions): NowsmsPlugin {
  const id = typeof (options as { id?: unknown } | undefined)?.id === 'string' ? options.id : '?';
  const name = `gsm-modem:${id}`;
  const opts = parseOptions(name, optionsSchema, options);
  return definePlugin({
    name,
    provides: ['modem-sms'],
    setup(api) {
      const number = opts.number === undefined ? undefined : api.normalizeAddress(opts.number);
      const modem = new Modem(opts, { log: api.log, normalize: (a) => api.normalizeAddress(a), number });
      modem.options = opts;
      api.connection(modem);
      api.provide('modem-sms', modem.service);
    },
  });
}
