// Message service settings (27.005 §3.2 and §3.3): service, format, storage, service centre,
// indications, text-mode parameters; and the TE character set (27.007 §5.5 +CSCS).
import { CHARSETS, fromTe, toTe } from '../charset.ts';
import { intParam, maxParams, stringParam, type Param } from '../params.ts';
import { CMS, cms, cme, CME } from '../result-codes.ts';
import type { MemoryName } from '../storage.ts';
import type { CommandContext, CommandHandler, CommandTable } from './types.ts';

/** `<used>,<total>` of a store. */
function counts(ctx: CommandContext, mem: MemoryName): string {
  const { used, capacity } = ctx.modem.storeOf(mem);
  return `${used},${capacity}`;
}

/** An omitted parameter keeps its current value (V.250 §5.4.2.1). */
function keep(p: Param | undefined, min: number, max: number, current: number): number {
  return intParam(p, min, max, current);
}

/** A 0/1 setting whose omitted parameter means 0 (+CMGF, +CSDH). */
function onOff(name: string, setting: 'cmgf' | 'csdh'): CommandHandler {
  return {
    set(ctx, params) {
      maxParams(params, 1);
      ctx.modem.settings[setting] = intParam(params[0], 0, 1, 0) as 0 | 1;
    },
    read: (ctx) => ctx.info(`${name}: ${ctx.modem.settings[setting]}`),
    test: (ctx) => ctx.info(`${name}: (0,1)`),
  };
}

export const SMS_SETTINGS: CommandTable = {
  '+CSMS': {
    set(ctx, params) {
      maxParams(params, 1);
      ctx.modem.settings.csms = intParam(params[0], 0, 1) as 0 | 1;
      ctx.info('+CSMS: 1,1,1');
    },
    read: (ctx) => ctx.info(`+CSMS: ${ctx.modem.settings.csms},1,1,1`),
    test: (ctx) => ctx.info('+CSMS: (0,1)'),
  },
  '+CMGF': onOff('+CMGF', 'cmgf'),
  '+CPMS': {
    needsSim: 'cms',
    set(ctx, params) {
      maxParams(params, 3);
      stringParam(params[0]);
      const offered = ctx.modem.opts.stores;
      const chosen = [...ctx.modem.settings.cpms] as typeof ctx.modem.settings.cpms;
      for (const [i, p] of params.entries()) {
        if (p.kind === 'empty') continue;
        const mem = stringParam(p).toUpperCase() as MemoryName;
        // 27.005 leaves the code for a <mem> the ME does not have to the ME.
        if (!offered.includes(mem)) return cms(CMS.operationNotAllowed);
        chosen[i] = mem;
      }
      ctx.modem.settings.cpms = chosen;
      ctx.info(`+CPMS: ${chosen.map((mem) => counts(ctx, mem)).join(',')}`);
    },
    read(ctx) {
      ctx.info(`+CPMS: ${ctx.modem.settings.cpms.map((mem) => `"${mem}",${counts(ctx, mem)}`).join(',')}`);
    },
    test(ctx) {
      const list = `(${ctx.modem.opts.stores.map((m) => `"${m}"`).join(',')})`;
      ctx.info(`+CPMS: ${list},${list},${list}`);
    },
  },
  '+CSCA': {
    needsSim: 'cms',
    set(ctx, params) {
      maxParams(params, 2);
      const sca = fromTe(stringParam(params[0]), ctx.modem.settings.cscs);
      intParam(params[1], 128, 255, 0);
      ctx.modem.sim.smsc = sca;
    },
    read(ctx) {
      const sca = ctx.modem.sim.smsc;
      ctx.info(`+CSCA: "${toTe(sca, ctx.modem.settings.cscs)}",${sca.startsWith('+') ? 145 : 129}`);
    },
    test: () => undefined,
  },
  '+CNMI': {
    set(ctx, params) {
      maxParams(params, 5);
      const c = ctx.modem.settings.cnmi;
      const next = {
        mode: keep(params[0], 0, 3, c.mode),
        mt: keep(params[1], 0, 3, c.mt),
        bm: keep(params[2], 0, 3, c.bm),
        ds: keep(params[3], 0, 2, c.ds),
        bfr: keep(params[4], 0, 1, c.bfr),
      };
      ctx.modem.settings.cnmi = next;
      ctx.modem.routing.cnmiChanged();
    },
    read(ctx) {
      const c = ctx.modem.settings.cnmi;
      ctx.info(`+CNMI: ${c.mode},${c.mt},${c.bm},${c.ds},${c.bfr}`);
    },
    test: (ctx) => ctx.info('+CNMI: (0-3),(0-3),(0-3),(0-2),(0,1)'),
  },
  '+CSDH': onOff('+CSDH', 'csdh'),
  '+CSMP': {
    set(ctx, params) {
      maxParams(params, 4);
      const c = ctx.modem.settings.csmp;
      ctx.modem.settings.csmp = {
        fo: keep(params[0], 0, 255, c.fo),
        vp: keep(params[1], 0, 255, c.vp),
        pid: keep(params[2], 0, 255, c.pid),
        dcs: keep(params[3], 0, 255, c.dcs),
      };
    },
    read(ctx) {
      const c = ctx.modem.settings.csmp;
      ctx.info(`+CSMP: ${c.fo},${c.vp},${c.pid},${c.dcs}`);
    },
    test: () => undefined,
  },
  '+CSCS': {
    set(ctx, params) {
      maxParams(params, 1);
      const charset = stringParam(params[0]).toUpperCase();
      if (!(CHARSETS as readonly string[]).includes(charset)) return cme(CME.operationNotSupported);
      ctx.modem.settings.cscs = charset;
    },
    read: (ctx) => ctx.info(`+CSCS: "${ctx.modem.settings.cscs}"`),
    test: (ctx) => ctx.info(`+CSCS: (${CHARSETS.map((c) => `"${c}"`).join(',')})`),
  },
};
