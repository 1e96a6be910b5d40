// The SIM lock (27.007 §8.3 +CPIN, §8.65 +CPINR) and the error reporting mode (§9.1 +CMEE).
import { intParam, maxParams, ParamError, type Param } from '../params.ts';
import { PIN_ATTEMPTS, PUK_ATTEMPTS } from '../sim-card.ts';
import { cme, CME } from '../result-codes.ts';
import type { CommandTable } from './types.ts';

// <pin> is a string constant, but real modems take AT+CPIN=1234 too and gateways send it that way.
function pinParam(p: Param | undefined): string | undefined {
  if (p === undefined || p.kind === 'empty') return undefined;
  if (p.kind === 'string' || p.kind === 'number') return p.kind === 'string' ? p.value : p.raw;
  throw new ParamError('a PIN is digits');
}

export const SIM: CommandTable = {
  '+CPIN': {
    read(ctx) {
      const state = ctx.modem.sim.state;
      if (state === 'BLOCKED') return cme(CME.simFailure);
      ctx.info(`+CPIN: ${state}`);
    },
    set(ctx, params) {
      maxParams(params, 2);
      const pin = pinParam(params[0]);
      if (pin === undefined) throw new ParamError('<pin> is mandatory');
      const failure = ctx.modem.sim.enterPin(pin, pinParam(params[1]));
      if (failure !== undefined) return cme(failure);
      ctx.modem.simChanged();
    },
    test: () => undefined,
  },
  '+CPINR': {
    exec(ctx) {
      const sim = ctx.modem.sim;
      ctx.info(`+CPINR: SIM PIN,${sim.pinAttemptsLeft},${PIN_ATTEMPTS}`, `+CPINR: SIM PUK,${sim.pukAttemptsLeft},${PUK_ATTEMPTS}`);
    },
    set(ctx, params) {
      const p = params[0];
      const pattern = p?.kind === 'string' ? p.value : p?.kind === 'token' ? p.value : '*';
      const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');
      const sim = ctx.modem.sim;
      const lines = [
        ['SIM PIN', sim.pinAttemptsLeft, PIN_ATTEMPTS],
        ['SIM PUK', sim.pukAttemptsLeft, PUK_ATTEMPTS],
      ]
        .filter(([code]) => re.test(String(code)))
        .map(([code, left, all]) => `+CPINR: ${code},${left},${all}`);
      if (lines.length > 0) ctx.info(...lines);
    },
  },
  '+CMEE': {
    set(ctx, params) {
      maxParams(params, 1);
      ctx.modem.settings.cmee = intParam(params[0], 0, 2, 0) as 0 | 1 | 2;
    },
    read: (ctx) => ctx.info(`+CMEE: ${ctx.modem.settings.cmee}`),
    test: (ctx) => ctx.info('+CMEE: (0-2)'),
  },
};
