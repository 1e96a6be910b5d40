// The 27.005 SMS commands in PDU mode, over the AT engine: read, list, delete, send, acknowledge. It also
// remembers which storage AT+CMGR/CMGD address (<mem1>), because +CMTI and +CDSI name theirs.
import type { AtEngine } from '../at/engine.ts';
import { AtCommandError } from '../at/errors.ts';
import { fieldsOf, intOf, quote } from '../at/params.ts';
import { parseStored, type StoredPdu } from './stored.ts';

/** 27.005 3.2.5: what some firmware answers for a slot with nothing in it. */
const INVALID_MEMORY_INDEX = 321;

export interface SmsTimeouts {
  commandMs: number;
  sendMs: number;
}

export class SmsCommands {
  /** The storage AT+CMGR/CMGL/CMGD work on now (<mem1>), when known. */
  readMemory: string | undefined;

  constructor(
    private readonly engine: AtEngine,
    private readonly timeouts: SmsTimeouts,
  ) {}

  /** AT+CPMS=<mem1> when a +CMTI/+CDSI names another storage than the one in use. */
  async useMemory(mem: string | undefined): Promise<void> {
    if (!mem || mem.toUpperCase() === this.readMemory?.toUpperCase()) return;
    await this.engine.run({ command: `AT+CPMS=${quote(mem)}`, prefixes: ['+CPMS'], timeoutMs: this.timeouts.commandMs });
    this.readMemory = mem.toUpperCase();
  }

  /** AT+CMGR=<index>; undefined for an empty slot (no +CMGR line, or +CMS ERROR 321 from some firmware). */
  async read(index: number): Promise<StoredPdu | undefined> {
    try {
      const lines = await this.engine.run({ command: `AT+CMGR=${index}`, prefixes: ['+CMGR'], data: 'hex', timeoutMs: this.timeouts.commandMs });
      return parseStored(lines, '+CMGR', index)[0];
    } catch (e) {
      if (e instanceof AtCommandError && e.final.kind === 'error' && e.final.type === 'CMS' && e.final.code === INVALID_MEMORY_INDEX) return undefined;
      throw e;
    }
  }

  /** AT+CMGL=<stat> (4: all). The listing can be long on a full SIM: it gets the send timeout. */
  async list(stat = 4): Promise<StoredPdu[]> {
    const lines = await this.engine.run({
      command: `AT+CMGL=${stat}`,
      prefixes: ['+CMGL'],
      data: 'hex',
      timeoutMs: Math.max(this.timeouts.commandMs, this.timeouts.sendMs),
    });
    return parseStored(lines, '+CMGL');
  }

  async delete(index: number): Promise<void> {
    await this.engine.run({ command: `AT+CMGD=${index}`, timeoutMs: this.timeouts.commandMs });
  }

  /**
   * AT+CMGS=<length>, the PDU at the prompt, Ctrl-Z, then `+CMGS: <mr>[,<scts>]`. An OK without the
   * +CMGS line is taken as the engine being out of step, never as a send without a reference.
   */
  async send(pdu: string, tpduLength: number): Promise<number> {
    const lines = await this.engine.run({
      command: `AT+CMGS=${tpduLength}`,
      payload: pdu,
      prefixes: ['+CMGS'],
      requireInfo: true,
      timeoutMs: this.timeouts.commandMs,
      payloadTimeoutMs: this.timeouts.sendMs,
    });
    const mr = intOf(fieldsOf(lines[0]!)[0]);
    if (mr === undefined) throw new Error(`AT+CMGS: cannot read the message reference in ${JSON.stringify(lines[0])}`);
    return mr;
  }

  /** AT+CNMA: acknowledge a +CMT/+CDS the modem delivered without storing (27.005 3.4.4). */
  async acknowledge(): Promise<void> {
    await this.engine.run({ command: 'AT+CNMA', timeoutMs: this.timeouts.commandMs });
  }
}
