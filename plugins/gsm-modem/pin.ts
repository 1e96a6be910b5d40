// Three wrong PINs block a SIM. The guard outlives sessions (resets, re-plugging) for the life of the
// connection: after a rejected PIN, or a PIN whose fate we never learnt (no answer), the PIN is never sent
// again; only a restart with a corrected config tries once more. A PIN that worked may be entered again
// after the modem is power-cycled (unplugged), since the SIM asks afresh.
import { AtCommandError, AtTimeoutError, explain, isWrongPassword } from './at/errors.ts';
import { FatalModemError } from './faults.ts';

export class PinGuard {
  private verdict: string | undefined;

  async enter(pin: string | undefined, send: (pin: string) => Promise<unknown>, attemptsLeft: () => Promise<number | undefined>): Promise<void> {
    if (this.verdict) throw new FatalModemError(this.verdict);
    if (!pin) throw new FatalModemError('the SIM asks for its PIN: set pin in the modem options (NOWSMS_MODEM_PIN in the example config)');
    try {
      await send(pin);
    } catch (e) {
      if (e instanceof AtCommandError) {
        const left = await attemptsLeft().catch(() => undefined);
        const count = left === undefined ? 'attempts left unknown' : `${left} attempt${left === 1 ? '' : 's'} left`;
        const what = isWrongPassword(e.final) ? 'SIM PIN rejected' : `SIM PIN not accepted (${explain(e.final)})`;
        this.verdict = `${what}: not retrying (${count}); fix pin, then restart the gateway`;
        throw new FatalModemError(this.verdict);
      }
      if (e instanceof AtTimeoutError) {
        this.verdict = 'the modem never answered the SIM PIN: not entering it again (check pin, then restart the gateway)';
        throw new FatalModemError(this.verdict);
      }
      throw e;
    }
  }
}
