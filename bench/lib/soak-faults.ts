// The faults of the soak, each on its own period scaled to the run's length so that a 3-minute run
// sees each at least once and a 30-minute run sees each several times. Faults stop at 85% of the run, so
// that the drain at the end starts from a calm network.
import type { ModemSimulator } from '../../test/plugins/gsm-modem/simulator/index.ts';
import type { SmscSimulator } from '../../test/plugins/smpp/smsc-simulator/index.ts';
import type { Rig } from './soak-rig.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface FaultPlan {
  name: string;
  periodMs: number;
  /** First time, as a share of the period. */
  offset: number;
  run(): Promise<void>;
}

export class Faults {
  readonly fired = new Map<string, number>();
  readonly errors: string[] = [];
  private stopped = false;
  private readonly loops: Promise<void>[] = [];
  private modemGone = false;

  constructor(
    private readonly rig: Rig,
    private readonly smsc: SmscSimulator,
    private readonly modem: ModemSimulator,
    private readonly log: (msg: string) => void,
    /** false: the gateway is never killed (one life, to see its memory settle). */
    private readonly kills = true,
  ) {}

  plans(runMs: number): FaultPlan[] {
    const p = (share: number, min: number) => Math.max(min, runMs * share);
    const modem = this.modem;
    const smsc = this.smsc;
    const plans: FaultPlan[] = [
      {
        name: 'gateway kill -9 and restart',
        periodMs: p(1 / 6, 40_000),
        offset: 0.6,
        run: () => this.rig.kill9AndRestart(),
      },
      {
        name: 'SMSC drops the bind (unbind, then a dropped TCP the next time)',
        periodMs: p(1 / 12, 20_000),
        offset: 0.35,
        run: async () => {
          const n = this.fired.get('SMSC drops the bind (unbind, then a dropped TCP the next time)') ?? 0;
          if (n % 2 === 0) await smsc.unbindAll().catch(() => {});
          else smsc.dropAll();
        },
      },
      {
        name: 'SMSC throttles (0x58 above 1 submit/s)',
        periodMs: p(1 / 10, 30_000),
        offset: 0.15,
        run: async () => {
          smsc.options.throttlePerSecond = 1;
          await this.pause(p(1 / 30, 8_000));
          delete smsc.options.throttlePerSecond;
        },
      },
      {
        name: 'SMSC temporary errors (0x14, 0x08, generic_nack, no answer)',
        periodMs: p(1 / 12, 20_000),
        offset: 0.8,
        run: async () => {
          smsc.failNextSubmits({ status: 0x14 }, { status: 0x14 }, { status: 0x08 }, 'nack', { status: 0x58 }, 'ignore');
        },
      },
      {
        name: 'modem vanishes and comes back',
        periodMs: p(1 / 6, 40_000),
        offset: 0.3,
        run: async () => {
          this.modemGone = true;
          await modem.vanish();
          await this.pause(p(1 / 36, 5_000));
          await modem.reappear();
          this.modemGone = false;
        },
      },
      {
        name: 'modem answers garbage (random bytes, unsolicited lines, noise around responses)',
        periodMs: p(1 / 12, 15_000),
        offset: 0.5,
        run: async () => {
          if (this.modemGone) return;
          modem.garbage(48);
          modem.unsolicited(3);
          modem.noise({ probability: 0.2 });
          await this.pause(p(1 / 36, 5_000));
          modem.noise(false);
        },
      },
    ];
    return this.kills ? plans : plans.filter((f) => f.name !== 'gateway kill -9 and restart');
  }

  /** Run every plan until `endMs` (ms from now). */
  start(runMs: number, endMs: number): void {
    const until = Date.now() + endMs;
    for (const plan of this.plans(runMs)) {
      this.loops.push(
        (async () => {
          let next = Date.now() + plan.periodMs * plan.offset;
          for (;;) {
            await this.pause(next - Date.now());
            if (this.stopped || Date.now() >= until) return;
            this.log(`fault: ${plan.name}`);
            try {
              await plan.run();
              this.fired.set(plan.name, (this.fired.get(plan.name) ?? 0) + 1);
            } catch (e) {
              this.errors.push(`${plan.name}: ${(e as Error).message}`);
              this.log(`fault ${plan.name} failed: ${(e as Error).message}`);
            }
            next += plan.periodMs;
          }
        })(),
      );
    }
  }

  /** Stop scheduling, wait for the faults under way, and leave the network healthy. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
    delete this.smsc.options.throttlePerSecond;
    this.modem.noise(false);
    if (this.modemGone) {
      await this.modem.reappear();
      this.modemGone = false;
    }
  }

  private async pause(ms: number): Promise<void> {
    const end = Date.now() + ms;
    while (!this.stopped && Date.now() < end) await sleep(Math.min(250, end - Date.now()));
  }
}
