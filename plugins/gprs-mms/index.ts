// gprs-mms: a GSM/3G modem's MMS side (see README.md). It claims the WAP pushes its modem receives, fetches
// the MMS they announce over MM1 through the operator's WAP proxy, and sends MMS as a handset does.
import { definePlugin, NowsmsError, parseOptions, type NowsmsPlugin } from 'nowsms';
import { GprsMmsConnection } from './connection.ts';
import { optionsSchema, type GprsMmsOptions } from './options.ts';
import { isWapPushMessage } from './push/index.ts';

export type { GprsMmsOptions } from './options.ts';
export { WAP_PUSH_PORT, isWapPushMessage, parseWapPush, WapPushReceiver } from './push/index.ts';

export function gprsMms(options: GprsMmsOptions): NowsmsPlugin {
  const o = options as { id?: unknown; modem?: unknown } | undefined;
  const name = `gprs-mms:${typeof o?.id === 'string' ? o.id : typeof o?.modem === 'string' ? o.modem : 'modem'}`;
  const opts = parseOptions(name, optionsSchema, options);
  return definePlugin({
    name,
    needs: ['modem-sms'],
    setup(api) {
      const modems = api.services('modem-sms').map((s) => s.modem);
      const modem = opts.modem ?? (modems.length === 1 ? modems[0] : undefined);
      if (!modem || !modems.includes(modem))
        throw new NowsmsError(
          'NOWSMS_ERR_CONFIG',
          opts.modem
            ? `plug-in ${name}: no modem has id ${opts.modem} (modems: ${modems.join(', ')})`
            : `plug-in ${name}: ${modems.length} modems are configured (${modems.join(', ')}): name the one whose MMS side this is, e.g. gprsMms({ modem: '${modems[0]}', ... })`,
        );
      const id = opts.id ?? `${modem}-mms`;
      const pushFrom = opts.pushFrom ?? [modem];
      const connection = new GprsMmsConnection(id, opts, api.log.child({ connection: id }));
      connection.options = { ...opts, id, modem, pushFrom };
      api.connection(connection);
      // A WAP push is for the MMS side, not for a person: ahead of the modem's routeTo and every route.
      api.hooks.claim.tap(name, (m) =>
        m.direction === 'MO' && m.via !== undefined && pushFrom.includes(m.via) && isWapPushMessage(m) ? { kind: 'connection', id } : undefined,
      );
    },
  });
}
