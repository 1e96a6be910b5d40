// What a test can configure, and the defaults that make a plain ModemSimulator.open(path) a
// modem that is ready to send and receive at once.
import type { PtyPair } from '../../../helpers/socat.ts';
import type { NoiseOptions } from './noise.ts';
import type { MemoryName } from './storage.ts';

export interface Identity {
  manufacturer: string;
  model: string;
  revision: string;
  imei: string;
  imsi: string;
}

export interface SimulatorOptions {
  /** The SIM asks for this PIN at every power-up (AT+CPIN?: SIM PIN). Default: no PIN. */
  pin?: string;
  /** Unlocks the SIM after three wrong PINs: AT+CPIN="<puk>","<new pin>". Default 12345678. */
  puk?: string;
  /** Time spent "searching" (+CREG stat 2) before registering. Default 0. */
  registrationDelayMs?: number;
  /** Given by AT+CNUM; default none. */
  ownNumber?: string;
  /** The SIM's service centre (AT+CSCA?). Default +15550000100; "" for none (then +CMS ERROR: 330 for PDUs without one). */
  smsc?: string;
  /** +CMT and +CDS wait for AT+CNMA even under +CSMS=0; unacknowledged ones turn routing off (27.005 §3.4.4). */
  cnmaRequired?: boolean;
  /** How long an unacknowledged +CMT/+CDS is waited for. Default 10000. */
  cnmaTimeoutMs?: number;
  /** ATE at power-up. Default true (V.250). */
  echo?: boolean;
  /** +CMGF at power-up. Default 0 (27.005 §3.2.3: PDU mode is the default when implemented). */
  powerOnCmgf?: 0 | 1;
  /** SIM message slots. Default 20. */
  capacity?: number;
  /** Phone-memory ("ME") message slots. Default 100. */
  phoneCapacity?: number;
  /**
   * The message stores +CPMS offers, the first one selected at power-up for all three of <mem1..3>.
   * Default ["SM", "ME"]; ["ME"] is a modem whose SIM keeps no messages.
   */
  stores?: readonly MemoryName[];
  /** The first slot's index. Default 1. */
  firstIndex?: number;
  /** The first +CMGS: <mr>. Default 0. */
  firstMr?: number;
  /** Unsolicited noise around responses; see NoiseOptions. Default off. */
  noise?: boolean | NoiseOptions;
  /** Seed for noise and garbage. Default 1. */
  seed?: number;
  /** Time a reboot keeps the modem deaf before its boot lines. Default 300. */
  bootDelayMs?: number;
  /** Lines printed when a reboot completes; "{cpin}" becomes the SIM state. Default ^BOOT, RDY, +CPIN. */
  bootLines?: readonly string[];
  /** Network memory-full retry: messages refused for a full SIM come again once a slot is freed. Default true. */
  redeliverWhenFreed?: boolean;
  identity?: Partial<Identity>;
  /** The socat pair the simulator sits on: vanish() then kills it and reappear() makes it again. */
  pty?: PtyPair;
}

export type ResolvedOptions = Required<Omit<SimulatorOptions, 'pin' | 'ownNumber' | 'noise' | 'pty' | 'identity'>> &
  Pick<SimulatorOptions, 'pin' | 'ownNumber' | 'noise' | 'pty'> & { identity: Identity };

export const DEFAULT_BOOT_LINES: readonly string[] = ['^BOOT:20341079,0,0,0,75', 'RDY', '+CPIN: {cpin}'];

export function resolveOptions(opts: SimulatorOptions = {}): ResolvedOptions {
  return {
    pin: opts.pin,
    puk: opts.puk ?? '12345678',
    registrationDelayMs: opts.registrationDelayMs ?? 0,
    ownNumber: opts.ownNumber,
    smsc: opts.smsc ?? '+15550000100',
    cnmaRequired: opts.cnmaRequired ?? false,
    cnmaTimeoutMs: opts.cnmaTimeoutMs ?? 10_000,
    echo: opts.echo ?? true,
    powerOnCmgf: opts.powerOnCmgf ?? 0,
    capacity: opts.capacity ?? 20,
    phoneCapacity: opts.phoneCapacity ?? 100,
    stores: opts.stores ?? ['SM', 'ME'],
    firstIndex: opts.firstIndex ?? 1,
    firstMr: opts.firstMr ?? 0,
    noise: opts.noise,
    seed: opts.seed ?? 1,
    bootDelayMs: opts.bootDelayMs ?? 300,
    bootLines: opts.bootLines ?? DEFAULT_BOOT_LINES,
    redeliverWhenFreed: opts.redeliverWhenFreed ?? true,
    pty: opts.pty,
    identity: {
      manufacturer: 'nowsms',
      model: 'SIM-1 simulated GSM modem',
      revision: 'nowsms-sim 1.0',
      imei: '356938035643809',
      imsi: '001010123456789',
      ...opts.identity,
    },
  };
}
