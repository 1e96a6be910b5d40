// The SIM: PIN and PUK counters (27.007 §8.3 +CPIN, §8.65 +CPINR), the message store, the service
// centre address and the last TP-MR. All of it survives a reboot, as it would on a real card.
import { CME } from './result-codes.ts';
import { MessageStore } from './storage.ts';

export type SimState = 'READY' | 'SIM PIN' | 'SIM PUK' | 'BLOCKED';

export const PIN_ATTEMPTS = 3;
export const PUK_ATTEMPTS = 10;

export interface SimCardOptions {
  pin?: string;
  puk: string;
  capacity: number;
  firstIndex: number;
  smsc: string;
  firstMr: number;
}

export class SimCard {
  readonly store: MessageStore;
  smsc: string;
  pin: string | undefined;
  pinAttemptsLeft = PIN_ATTEMPTS;
  pukAttemptsLeft = PUK_ATTEMPTS;
  private unlocked = false;
  private nextMr: number;

  constructor(private readonly opts: SimCardOptions) {
    this.store = new MessageStore(opts.capacity, opts.firstIndex);
    this.smsc = opts.smsc;
    this.pin = opts.pin;
    this.nextMr = opts.firstMr & 0xff;
  }

  get state(): SimState {
    if (this.pukAttemptsLeft === 0) return 'BLOCKED';
    if (this.pinAttemptsLeft === 0) return 'SIM PUK';
    if (this.pin !== undefined && !this.unlocked) return 'SIM PIN';
    return 'READY';
  }

  /** The card asks for its PIN again on every power-up. */
  powerOn(): void {
    this.unlocked = false;
  }

  /** undefined on success, otherwise the +CME ERROR code. */
  enterPin(pin: string, newPin?: string): number | undefined {
    switch (this.state) {
      case 'READY':
        // 27.007 §8.3: with no PIN request pending, an error is returned.
        return CME.operationNotAllowed;
      case 'BLOCKED':
        return CME.simFailure;
      case 'SIM PIN':
        if (pin === this.pin) {
          this.unlocked = true;
          this.pinAttemptsLeft = PIN_ATTEMPTS;
          return undefined;
        }
        this.pinAttemptsLeft -= 1;
        return CME.incorrectPassword;
      case 'SIM PUK':
        if (newPin === undefined) return CME.simPukRequired;
        if (pin !== this.opts.puk) {
          this.pukAttemptsLeft -= 1;
          return CME.incorrectPassword;
        }
        this.pin = newPin;
        this.unlocked = true;
        this.pinAttemptsLeft = PIN_ATTEMPTS;
        this.pukAttemptsLeft = PUK_ATTEMPTS;
        return undefined;
    }
  }

  /** 23.040 §9.2.3.6: the MS numbers its submissions, modulo 256, whatever TP-MR the TE wrote. */
  takeMr(): number {
    const mr = this.nextMr;
    this.nextMr = (this.nextMr + 1) & 0xff;
    return mr;
  }
}
