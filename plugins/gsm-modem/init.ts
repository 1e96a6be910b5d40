// The start-up dialogue, run after every (re)connection and reset: echo off and numeric errors, the SIM
// PIN, network registration, PDU mode, storage, new-message indications, then the operator's extras.
// Steps a modem may not support are tried in the order of preference and skipped when refused; steps that
// need the operator (a PIN, a PUK, PDU mode) stop the modem with a message saying what to change.
import type { Logger } from 'nowsms';
import type { AtEngine, CommandSpec } from './at/engine.ts';
import { AtCommandError, explain, isSimBusy } from './at/errors.ts';
import { fieldsOf, intOf, quote } from './at/params.ts';
import { FatalModemError, RetryLaterError } from './faults.ts';
import type { ResolvedGsmModemOptions } from './options.ts';
import type { PinGuard } from './pin.ts';
import type { SmsCommands } from './sms/commands.ts';

export interface InitDeps {
  engine: AtEngine;
  sms: SmsCommands;
  opts: ResolvedGsmModemOptions;
  pin: PinGuard;
  log: Logger;
  detail(text: string): void;
  /** Rejects when the session ends, so waits never outlive it. */
  sleep(ms: number): Promise<void>;
}

export interface InitResult {
  /** What AT+CNMI was set to, or undefined when the modem refused every setting (polling only). */
  indications: string | undefined;
  storage: string | undefined;
  /** From AT+CNUM, when the options give no number. */
  ownNumber: string | undefined;
  registration: string;
}

const REGISTRATION: Record<number, string> = {
  0: 'not registered and not searching (check the SIM and the antenna)',
  1: 'registered, home network',
  2: 'waiting for network registration (searching)',
  3: 'network registration denied (check the SIM subscription)',
  4: 'registration state unknown',
  5: 'registered, roaming',
};

const SIM_BUSY_TRIES = 15;
const REGISTRATION_POLL_MS = 2000;

export async function initialise(d: InitDeps): Promise<InitResult> {
  const { engine, opts } = d;
  const run = (spec: CommandSpec) => engine.run({ timeoutMs: opts.commandTimeoutMs, ...spec });
  const optional = async (spec: CommandSpec): Promise<string[] | undefined> => {
    try {
      return await run(spec);
    } catch (e) {
      if (!(e instanceof AtCommandError)) throw e;
      d.log.debug({ command: spec.command, result: explain(e.final) }, 'gsm-modem: optional command refused');
      return undefined;
    }
  };
  // The SIM is still reading its files for a while after power-up and after the PIN.
  const patient = async (spec: CommandSpec): Promise<string[]> => {
    for (let i = 1; ; i++) {
      try {
        return await run(spec);
      } catch (e) {
        if (!(e instanceof AtCommandError) || !isSimBusy(e.final) || i >= SIM_BUSY_TRIES) throw e;
        d.detail('waiting for the SIM (SIM busy)');
        await d.sleep(1000);
      }
    }
  };

  d.detail('initialising');
  await optional({ command: 'ATE0' });
  await optional({ command: 'AT+CMEE=1' });

  await unlockSim(d, run, patient);

  const registration = await waitForRegistration(d, run);

  d.detail('selecting PDU mode');
  try {
    await patient({ command: 'AT+CMGF=0' });
  } catch (e) {
    if (e instanceof AtCommandError)
      throw new FatalModemError(`the modem refuses PDU mode (AT+CMGF=0: ${explain(e.final)}); nowsms needs a modem that speaks 27.005 PDU mode`);
    throw e;
  }

  const storage = await selectStorage(d, patient, optional);
  const indications = await selectIndications(d, optional);

  if (opts.smsc) {
    const toa = opts.smsc.startsWith('+') ? 145 : 129;
    try {
      await patient({ command: `AT+CSCA=${quote(opts.smsc)},${toa}` });
    } catch (e) {
      if (e instanceof AtCommandError)
        throw new FatalModemError(`the modem refuses the service centre number ${opts.smsc} (AT+CSCA: ${explain(e.final)}): check smsc`);
      throw e;
    }
  }

  let ownNumber: string | undefined;
  if (!opts.number) {
    const cnum = await optional({ command: 'AT+CNUM', prefixes: ['+CNUM'] });
    const value = cnum ? fieldsOf(cnum[0] ?? '')[1]?.value : undefined;
    if (value && /^\+?\d+$/.test(value)) ownNumber = value;
  }

  if (opts.initString) {
    const command = /^AT/i.test(opts.initString) ? opts.initString : `AT${opts.initString}`;
    try {
      await run({ command });
    } catch (e) {
      if (!(e instanceof AtCommandError)) throw e;
      d.log.warn({ command, result: explain(e.final) }, 'gsm-modem: the modem refused initString; going on without it');
    }
  }

  return { indications, storage, ownNumber, registration };
}

async function unlockSim(d: InitDeps, run: (s: CommandSpec) => Promise<string[]>, patient: (s: CommandSpec) => Promise<string[]>): Promise<void> {
  const query = async (): Promise<string> => {
    try {
      // Wavecom firmware answers +CPIN: READY without the OK.
      const lines = await patient({ command: 'AT+CPIN?', prefixes: ['+CPIN'], requireInfo: true, finalOptional: true });
      return (fieldsOf(lines[0]!)[0]?.value ?? '').toUpperCase();
    } catch (e) {
      if (e instanceof AtCommandError && e.final.kind === 'error' && e.final.type === 'CME' && (e.final.code === 10 || e.final.code === 13)) {
        throw new RetryLaterError(e.final.code === 10 ? 'no SIM card in the modem' : 'SIM failure (check the SIM card)');
      }
      throw e;
    }
  };
  d.detail('checking the SIM');
  const state = await query();
  if (state === 'READY') return;
  if (state === 'SIM PIN') {
    await d.pin.enter(
      d.opts.pin,
      (pin) => run({ command: `AT+CPIN=${quote(pin)}`, timeoutMs: Math.max(d.opts.commandTimeoutMs, 20_000) }),
      () => attemptsLeft(d),
    );
    d.detail('waiting for the SIM after the PIN');
    for (let i = 0; i < 30; i++) {
      if ((await query()) === 'READY') return;
      await d.sleep(1000);
    }
    throw new RetryLaterError('the SIM took the PIN but never became ready');
  }
  if (state === 'SIM PUK')
    throw new FatalModemError('the SIM is blocked (it asks for its PUK after too many wrong PINs): unblock it in a phone, then restart the gateway');
  throw new FatalModemError(`the SIM asks for ${state || 'an unknown code'}: nowsms enters only the SIM PIN; unlock it in a phone`);
}

/** Remaining PIN attempts, from whichever of the standard and vendor commands the modem knows. */
async function attemptsLeft(d: InitDeps): Promise<number | undefined> {
  const tries: [CommandSpec, (fields: string[]) => number | undefined][] = [
    // 27.007 8.65: +CPINR: <code>,<retries>,<default_retries>
    [{ command: 'AT+CPINR="SIM PIN"', prefixes: ['+CPINR'] }, (f) => num(f[1])],
    // Huawei: ^CPIN: <code>,[<times>],<puk_times>,<pin_times>,...
    [{ command: 'AT^CPIN?', prefixes: ['^CPIN'] }, (f) => num(f[3])],
    // Quectel: +QPINC: "SC",<pin_times>,<puk_times>
    [{ command: 'AT+QPINC="SC"', prefixes: ['+QPINC'] }, (f) => num(f[1])],
  ];
  for (const [spec, pick] of tries) {
    try {
      const lines = await d.engine.run({ timeoutMs: d.opts.commandTimeoutMs, ...spec });
      const left = lines[0] ? pick(fieldsOf(lines[0]).map((f) => f.value)) : undefined;
      if (left !== undefined) return left;
    } catch {
      // Not this vendor's command.
    }
  }
  return undefined;
}

const num = (s: string | undefined): number | undefined => (s !== undefined && /^\d+$/.test(s) ? Number(s) : undefined);

/** `+CREG: <n>,<stat>[,...]`; the unsolicited `+CREG: <stat>[,<lac>,<ci>]` has no second number and is not the answer. */
export const CREG_QUERY: CommandSpec = { command: 'AT+CREG?', prefixes: ['+CREG'], accept: (l) => /^\+CREG:\s*\d+\s*,\s*\d+/.test(l), requireInfo: true };

export function registrationOf(lines: string[]): number | undefined {
  return intOf(fieldsOf(lines[0] ?? '')[1]);
}

export function describeRegistration(stat: number | undefined): string {
  return stat === undefined ? 'registration state unreadable' : (REGISTRATION[stat] ?? `registration state ${stat}`);
}

async function waitForRegistration(d: InitDeps, run: (s: CommandSpec) => Promise<string[]>): Promise<string> {
  for (;;) {
    let lines: string[];
    try {
      lines = await run(CREG_QUERY);
    } catch (e) {
      if (e instanceof AtCommandError) {
        // A modem without +CREG (or a SIM still busy): send and let the network answer for itself.
        d.log.warn({ result: explain(e.final) }, 'gsm-modem: cannot read the network registration; going on');
        return 'registration not reported';
      }
      throw e;
    }
    const stat = registrationOf(lines);
    if (stat === 1 || stat === 5) return describeRegistration(stat);
    d.detail(describeRegistration(stat));
    await d.sleep(REGISTRATION_POLL_MS);
  }
}

async function selectStorage(
  d: InitDeps,
  patient: (s: CommandSpec) => Promise<string[]>,
  optional: (s: CommandSpec) => Promise<string[] | undefined>,
): Promise<string | undefined> {
  d.detail('selecting message storage');
  // SIM first: it survives moving the SIM to a phone to read what the gateway missed; then ME+SIM, then the phone.
  for (const mem of ['SM', 'MT', 'ME']) {
    try {
      await patient({ command: `AT+CPMS=${quote(mem)},${quote(mem)},${quote(mem)}`, prefixes: ['+CPMS'] });
      d.sms.readMemory = mem;
      return mem;
    } catch (e) {
      if (!(e instanceof AtCommandError)) throw e;
    }
  }
  const now = await optional({ command: 'AT+CPMS?', prefixes: ['+CPMS'] });
  const mem = now ? fieldsOf(now[0] ?? '')[0]?.value : undefined;
  d.sms.readMemory = mem?.toUpperCase();
  return mem;
}

async function selectIndications(d: InitDeps, optional: (s: CommandSpec) => Promise<string[] | undefined>): Promise<string | undefined> {
  const mt = d.opts.receive ? 1 : 0;
  // ds=2: status reports stored, announced by +CDSI (read like +CMTI); ds=1: delivered on the line as +CDS.
  const ds = d.opts.statusReports ? [2, 1, 0] : [0];
  const candidates = [...new Set(ds.flatMap((r) => [2, 1].map((mode) => `${mode},${mt},0,${r},0`)))];
  for (const setting of candidates) {
    if (await optional({ command: `AT+CNMI=${setting}` })) return setting;
  }
  d.log.warn('gsm-modem: the modem refuses every AT+CNMI setting; received messages are found by polling only');
  return undefined;
}
