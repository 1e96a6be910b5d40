// Runs one command line (V.250 §5.2.3): the commands in order, each one's information response as
// it completes, then a single final result code; the first failing command ends the line with its
// error and the rest are not run. A command that prompts ("> ") ends the line too.
import { CommandLineSyntaxError, parseCommandLine, type ParsedCommand } from './command-line.ts';
import { COMMANDS } from './commands/index.ts';
import type { CommandContext, Outcome, PromptHandler } from './commands/types.ts';
import type { Modem } from './modem.ts';
import { ParamError, parseParams } from './params.ts';
import { CME, CMS, ERROR, OK, type Final } from './result-codes.ts';

/** The prompt handler when the line ended in a "> " prompt, otherwise undefined (the final result is written). */
export async function executeLine(modem: Modem, body: string, epoch: number): Promise<PromptHandler | undefined> {
  let commands: ParsedCommand[];
  try {
    commands = parseCommandLine(body);
  } catch (e) {
    if (!(e instanceof CommandLineSyntaxError)) throw e;
    modem.final(ERROR, epoch);
    return undefined;
  }
  const afters: Array<() => void> = [];
  const finish = (final: Final): void => {
    modem.final(final, epoch);
    if (modem.alive(epoch)) for (const fn of afters) fn();
  };
  for (const cmd of commands) {
    const ctx: CommandContext = {
      modem,
      cmd,
      info: (...lines) => modem.info(lines, epoch),
      alive: () => modem.alive(epoch),
      afterFinal: (fn) => afters.push(fn),
    };
    const outcome = await guarded(modem, () => run(ctx));
    if (!modem.alive(epoch)) return undefined;
    if (outcome?.kind === 'prompt') {
      return async (text, send) => {
        const final = await guarded(modem, () => outcome.complete(text, send));
        if (final && modem.alive(epoch)) finish(final);
        return undefined;
      };
    }
    if (outcome && outcome.kind !== 'ok') {
      finish(outcome);
      return undefined;
    }
  }
  finish(OK);
  return undefined;
}

function run(ctx: CommandContext): Outcome | Promise<Outcome> {
  const { cmd, modem } = ctx;
  const handler = COMMANDS[cmd.name];
  const form = handler?.[cmd.form];
  if (!handler || !form) return ERROR;
  if (handler.needsSim) {
    const refusal = simRefusal(modem.sim.state, handler.needsSim);
    if (refusal) return refusal;
  }
  if (cmd.form === 'set') return handler.set!(ctx, parseParams(cmd.args));
  return (form as (c: CommandContext) => Outcome | Promise<Outcome>)(ctx);
}

function simRefusal(state: string, family: 'cme' | 'cms'): Final | undefined {
  if (state === 'READY') return undefined;
  const codes = {
    'SIM PIN': { cme: CME.simPinRequired, cms: CMS.simPinRequired },
    'SIM PUK': { cme: CME.simPukRequired, cms: CMS.simPukRequired },
    BLOCKED: { cme: CME.simFailure, cms: CMS.simFailure },
  }[state]!;
  return { kind: family, code: codes[family] };
}

// Bad parameters are the TE's fault and get ERROR; anything else is a simulator bug, kept for the
// test to find (ModemSimulator.internalErrors) instead of killing the line.
async function guarded<T extends Outcome>(modem: Modem, fn: () => T | Promise<T>): Promise<T | Final> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ParamError) return ERROR;
    modem.internalErrors.push(e as Error);
    return ERROR;
  }
}
