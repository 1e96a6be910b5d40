// Network and phone functionality (27.007 §7.2 +CREG, §7.3 +COPS, §8.2 +CFUN, §8.5 +CSQ).
import { intParam, maxParams } from '../params.ts';
import type { CommandTable } from './types.ts';

const OPERATOR = 'NOWSMS SIM';

export const NETWORK: CommandTable = {
  '+CREG': {
    set(ctx, params) {
      maxParams(params, 1);
      ctx.modem.settings.creg = intParam(params[0], 0, 2, 0) as 0 | 1 | 2;
    },
    read(ctx) {
      const { settings, network } = ctx.modem;
      const where = settings.creg === 2 && network.registered ? `,"${network.lac}","${network.ci}"` : '';
      ctx.info(`+CREG: ${settings.creg},${network.stat}${where}`);
    },
    test: (ctx) => ctx.info('+CREG: (0-2)'),
  },
  '+CSQ': {
    exec: (ctx) => ctx.info(`+CSQ: ${ctx.modem.network.rssi},${ctx.modem.network.ber}`),
    test: (ctx) => ctx.info('+CSQ: (0-31,99),(0-7,99)'),
  },
  '+COPS': {
    read: (ctx) => ctx.info(ctx.modem.network.registered ? `+COPS: 0,0,"${OPERATOR}"` : '+COPS: 0'),
    set(ctx, params) {
      maxParams(params, 4);
      // Only automatic selection (0) and setting the format (3) make sense with one network.
      const mode = intParam(params[0], 0, 4, 0);
      if (mode !== 0 && mode !== 3) return { kind: 'cme', code: 3 };
    },
    test: (ctx) => ctx.info(`+COPS: (2,"${OPERATOR}","NOWSMS","00101"),,(0-4),(0-2)`),
  },
  '+CFUN': {
    read: (ctx) => (ctx.modem.network.radioOn ? ctx.info('+CFUN: 1') : ctx.info('+CFUN: 4')),
    set(ctx, params) {
      maxParams(params, 2);
      const fun = intParam(params[0], 0, 4);
      const reset = intParam(params[1], 0, 1, 0);
      if (fun === 2 || fun === 3) return { kind: 'cme', code: 4 };
      const { modem } = ctx;
      if (reset === 1) {
        // The OK goes out first; then the modem restarts like after a power cycle.
        ctx.afterFinal(() => void modem.reboot());
        return;
      }
      modem.network.radioOn = fun === 1;
      if (fun === 1) modem.simChanged();
      else modem.network.detach();
    },
    test: (ctx) => ctx.info('+CFUN: (0,1,4),(0,1)'),
  },
};
