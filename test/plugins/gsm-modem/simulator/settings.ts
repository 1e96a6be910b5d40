// The TA settings that a power cycle, ATZ or AT&F put back: everything a gateway must send again
// after the modem rebooted under it. What lives on the SIM (messages, +CSCA, PIN counters) is elsewhere.
import type { MemoryName } from './storage.ts';

export interface Cnmi {
  mode: number;
  mt: number;
  bm: number;
  ds: number;
  bfr: number;
}

export interface Settings {
  /** V.250 E. */
  echo: boolean;
  /** V.250 V: verbose (true) or numeric result codes. */
  verbose: boolean;
  /** V.250 Q: suppress result codes. */
  quiet: boolean;
  /** V.250 S3 (line terminator), S4 (response formatting), S5 (backspace). */
  s3: number;
  s4: number;
  s5: number;
  cmee: 0 | 1 | 2;
  cmgf: 0 | 1;
  cnmi: Cnmi;
  creg: 0 | 1 | 2;
  csms: 0 | 1;
  csdh: 0 | 1;
  cscs: string;
  /** Text-mode submit parameters (27.005 §3.3.2): <fo>, <vp>, <pid>, <dcs>. */
  csmp: { fo: number; vp: number; pid: number; dcs: number };
  /** +CPMS (27.005 §3.2.2): <mem1> read and delete, <mem2> write and send, <mem3> where received ones go. */
  cpms: [MemoryName, MemoryName, MemoryName];
}

export interface PowerOnDefaults {
  echo: boolean;
  cmgf: 0 | 1;
  mem: MemoryName;
}

export function powerOnSettings(defaults: PowerOnDefaults): Settings {
  return {
    echo: defaults.echo,
    verbose: true,
    quiet: false,
    s3: 13,
    s4: 10,
    s5: 8,
    cmee: 0,
    cmgf: defaults.cmgf,
    // 27.005 §3.4.1 leaves the defaults to the manufacturer; all zero means no indications reach the
    // TE until the gateway asks for them, which is what exposes a gateway that forgot to.
    cnmi: { mode: 0, mt: 0, bm: 0, ds: 0, bfr: 0 },
    creg: 0,
    csms: 0,
    csdh: 0,
    cscs: 'IRA',
    csmp: { fo: 17, vp: 167, pid: 0, dcs: 0 },
    cpms: [defaults.mem, defaults.mem, defaults.mem],
  };
}
