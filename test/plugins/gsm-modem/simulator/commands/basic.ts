// V.250 basic commands: the ones every modem has, with a letter and an optional number.
import { ERROR, type Final } from '../result-codes.ts';
import type { CommandContext, CommandTable } from './types.ts';

function flag(apply: (ctx: CommandContext, on: boolean) => void) {
  return {
    exec(ctx: CommandContext): Final | undefined {
      const n = ctx.cmd.number ?? 0;
      if (n > 1) return ERROR;
      apply(ctx, n === 1);
      return undefined;
    },
  };
}

/** Accepted and ignored: circuit and speaker settings that mean nothing on a pty. */
const accepted = { exec: () => undefined };

// The S-parameters a DTE may read (V.250 §6.2): S3-S5 shape the line, the rest are fixed.
const FIXED_S: Record<number, number> = { 0: 0, 6: 2, 7: 50, 8: 2, 10: 14 };

function resetProfile(ctx: CommandContext): Final | undefined {
  if ((ctx.cmd.number ?? 0) !== 0) return ERROR;
  ctx.modem.settings = ctx.modem.powerOnSettings();
  return undefined;
}

export const BASIC: CommandTable = {
  E: flag((ctx, on) => (ctx.modem.settings.echo = on)),
  V: flag((ctx, on) => (ctx.modem.settings.verbose = on)),
  Q: flag((ctx, on) => (ctx.modem.settings.quiet = on)),
  Z: { exec: resetProfile },
  '&F': { exec: resetProfile },
  I: {
    exec(ctx) {
      const id = ctx.modem.opts.identity;
      ctx.info(id.manufacturer, id.model, `Revision: ${id.revision}`);
    },
  },
  S: {
    exec: () => undefined,
    read(ctx) {
      const register = ctx.cmd.number!;
      const s = ctx.modem.settings;
      const value = register === 3 ? s.s3 : register === 4 ? s.s4 : register === 5 ? s.s5 : FIXED_S[register];
      if (value === undefined) return ERROR;
      ctx.info(String(value).padStart(3, '0'));
    },
    set(ctx) {
      const register = ctx.cmd.number!;
      const value = Number(ctx.cmd.args);
      if (!(value >= 0 && value <= 127)) return ERROR;
      const s = ctx.modem.settings;
      if (register === 3) s.s3 = value;
      else if (register === 4) s.s4 = value;
      else if (register === 5) s.s5 = value;
      else if (!(register in FIXED_S)) return ERROR;
      return undefined;
    },
  },
  '&C': accepted,
  '&D': accepted,
  '&K': accepted,
  '&W': accepted,
  L: accepted,
  M: accepted,
  X: accepted,
  H: accepted,
};
