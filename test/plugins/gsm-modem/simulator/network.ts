// Network registration as +CREG reports it (27.007 §7.2): nothing before the SIM is ready, then
// "searching" for registrationDelayMs, then registered on the home network.

/** <stat>: 0 not registered, 1 home, 2 searching, 3 denied, 4 unknown, 5 roaming. */
export type RegistrationStat = 0 | 1 | 2 | 3 | 4 | 5;

export class Network {
  stat: RegistrationStat = 0;
  rssi = 20;
  ber = 99;
  radioOn = true;
  readonly lac = '00C3';
  readonly ci = '0000A2B1';
  /** What registration ends in; tests may set roaming (5) or denied (3). */
  target: RegistrationStat = 1;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly delayMs: number,
    private readonly onChange: (stat: RegistrationStat) => void,
  ) {}

  get registered(): boolean {
    return this.stat === 1 || this.stat === 5;
  }

  /** The SIM is ready and the radio on: start looking for the network. */
  attach(): void {
    if (!this.radioOn || this.registered || this.timer) return;
    if (this.delayMs <= 0) {
      this.set(this.target);
      return;
    }
    this.set(2);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.set(this.target);
    }, this.delayMs);
  }

  detach(): void {
    this.cancel();
    this.set(0);
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  set(stat: RegistrationStat): void {
    if (stat === this.stat) return;
    this.stat = stat;
    this.onChange(stat);
  }
}
