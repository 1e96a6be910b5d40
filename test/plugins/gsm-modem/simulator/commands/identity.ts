// Identification (27.007 §5.1-5.4, §7.1; V.250 §6.1.4-6.1.7 for the +G forms): plain values
// without a "+CGMI:" prefix, as 27.007 specifies them.
import type { Identity } from '../options.ts';
import type { CommandHandler, CommandTable } from './types.ts';

function value(pick: (id: Identity) => string): CommandHandler {
  return {
    exec: (ctx) => ctx.info(pick(ctx.modem.opts.identity)),
    test: () => undefined,
  };
}

export const IDENTITY: CommandTable = {
  '+CGMI': value((id) => id.manufacturer),
  '+GMI': value((id) => id.manufacturer),
  '+CGMM': value((id) => id.model),
  '+GMM': value((id) => id.model),
  '+CGMR': value((id) => id.revision),
  '+GMR': value((id) => id.revision),
  '+CGSN': value((id) => id.imei),
  '+GSN': value((id) => id.imei),
  '+CIMI': { ...value((id) => id.imsi), needsSim: 'cme' },
  '+CNUM': {
    needsSim: 'cme',
    exec(ctx) {
      const own = ctx.modem.opts.ownNumber;
      if (own) ctx.info(`+CNUM: "","${own}",${own.startsWith('+') ? 145 : 129}`);
    },
    test: () => undefined,
  },
};
