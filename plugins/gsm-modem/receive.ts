// Received SMS and status reports, from wherever the modem offers them: +CMTI/+CDSI (stored, read with
// AT+CMGR), +CMT/+CDS (delivered on the line), and the periodic AT+CMGL=4 for modems that never say and
// for what arrived while the gateway was down. The rule throughout: a message leaves the SIM (AT+CMGD) only
// after the store has committed it, so a crash in between means reading it again, never losing it.
import { createHash } from 'node:crypto';
import { acceptSegment, segmentKey, type Accepted, type ConnectionContext, type Logger, type NewMessage } from 'nowsms';
import { AtClosedError, AtTimeoutError } from './at/errors.ts';
import { fieldsOf, intOf } from './at/params.ts';
import type { SmsCommands } from './sms/commands.ts';
import { decodeInbound, type Inbound, type InboundDeliver } from './sms/inbound.ts';
import type { StoredPdu } from './sms/stored.ts';

/** `+CMTI: <mem>,<index>` / `+CDSI: <mem>,<index>` (27.005 3.4.1); firmware that leaves out <mem> means the current one. */
export function indicationOf(line: string): { mem: string | undefined; index: number } | undefined {
  const f = fieldsOf(line);
  const index = intOf(f.at(-1));
  if (index === undefined) return undefined;
  return { mem: f.length > 1 ? f[0]!.value || undefined : undefined, index };
}

type Task =
  { kind: 'stored'; mem: string | undefined; index: number } | { kind: 'direct'; header: string; pdu: string } | { kind: 'list'; mem: string | undefined };

export interface ReceiverDeps {
  id: string;
  ctx: () => ConnectionContext | undefined;
  /** The current session's commands; undefined between sessions (the next start-up listing finds what was missed). */
  sms: () => SmsCommands | undefined;
  /** The MO's recipient: the modem's own number. */
  ownNumber: () => string;
  normalize: (address: string) => string;
  routeTo: string | undefined;
  /** AT+CNMA for a +CMT/+CDS, where the modem wants one. */
  acknowledge: () => Promise<void>;
  log: Logger;
  counters: Record<'received' | 'segments' | 'reports' | 'undecodable' | 'kept', number>;
  /** A port-addressed message was committed (whole): for the modem-sms service's subscribers. */
  portSms?: (messageId: string, destinationPort: number) => void;
}

export class Receiver {
  private readonly queue: Task[] = [];
  private working: Promise<void> | undefined;
  /** Committed but not yet deleted (the CMGD failed): seen again, it is only deleted, not delivered twice. */
  private readonly committed = new Map<string, string>();
  /** Messages we could not take, logged once rather than at every poll. */
  private readonly complained = new Set<string>();

  constructor(private readonly deps: ReceiverDeps) {}

  stored(mem: string | undefined, index: number): void {
    if (this.queue.some((t) => t.kind === 'stored' && t.index === index && t.mem === mem)) return;
    this.push({ kind: 'stored', mem, index });
  }

  direct(header: string, pdu: string): void {
    this.push({ kind: 'direct', header, pdu });
  }

  list(mem: string | undefined): Promise<void> {
    if (!this.queue.some((t) => t.kind === 'list')) this.push({ kind: 'list', mem });
    return this.idle();
  }

  /** Resolves once the queue is empty. */
  async idle(): Promise<void> {
    while (this.working) await this.working;
  }

  /** A session ended: what was queued will be found again by the next start-up listing. */
  clear(): void {
    this.queue.splice(0);
  }

  private push(task: Task): void {
    this.queue.push(task);
    if (!this.working) this.working = this.work().finally(() => (this.working = undefined));
  }

  private async work(): Promise<void> {
    for (let task = this.queue.shift(); task; task = this.queue.shift()) {
      const sms = this.deps.sms();
      if (!sms) return this.clear();
      try {
        if (task.kind === 'stored') await this.readOne(sms, task.mem, task.index);
        else if (task.kind === 'list') await this.listAll(sms, task.mem);
        else await this.takeDirect(task.header, task.pdu);
      } catch (err) {
        // A modem that went out of step or away is being reset; everything still on the SIM is listed again.
        if (err instanceof AtClosedError || err instanceof AtTimeoutError)
          this.deps.log.debug({ err: err.message, task: task.kind }, 'gsm-modem: receive interrupted');
        else this.deps.log.warn({ err: (err as Error).message, task: task.kind }, 'gsm-modem: receive step failed; the message stays on the SIM');
      }
    }
  }

  private async readOne(sms: SmsCommands, mem: string | undefined, index: number): Promise<void> {
    await sms.useMemory(mem);
    const stored = await sms.read(index);
    if (stored) await this.takeStored(sms, sms.readMemory, stored);
  }

  private async listAll(sms: SmsCommands, mem: string | undefined): Promise<void> {
    await sms.useMemory(mem);
    for (const stored of await sms.list(4)) await this.takeStored(sms, sms.readMemory, stored);
  }

  private async takeStored(sms: SmsCommands, mem: string | undefined, s: StoredPdu): Promise<void> {
    const slot = `${mem ?? ''}:${s.index}`;
    if (this.committed.get(slot) === s.pdu) {
      await sms.delete(s.index);
      this.committed.delete(slot);
      return;
    }
    const inbound = this.decode(slot, s.pdu, s.length, s.stat);
    if (!inbound || inbound.kind === 'own') return;
    if (!(await this.commit(slot, inbound, s.pdu))) return;
    this.committed.set(slot, s.pdu);
    await sms.delete(s.index);
    this.committed.delete(slot);
  }

  private async takeDirect(header: string, pdu: string): Promise<void> {
    const f = fieldsOf(header);
    const length = intOf(f.at(-1));
    const inbound = this.decode(`direct:${pdu}`, pdu, length, undefined);
    if (!inbound || inbound.kind === 'own') return;
    // Without the acknowledgement the network delivers it again; with it, it is ours alone.
    if (await this.commit(`direct:${pdu}`, inbound, pdu)) await this.deps.acknowledge();
  }

  private decode(slot: string, pdu: string, length: number | undefined, stat: number | undefined): Inbound | undefined {
    try {
      return decodeInbound(pdu, length, stat);
    } catch (e) {
      this.deps.counters.undecodable++;
      this.complainOnce(`${slot}:${pdu}`, { err: (e as Error).message, slot, pdu }, 'gsm-modem: cannot decode a received PDU; it stays on the SIM');
      return undefined;
    }
  }

  /** True once the store holds it. */
  private async commit(slot: string, inbound: Exclude<Inbound, { kind: 'own' }>, pdu: string): Promise<boolean> {
    const ctx = this.deps.ctx();
    if (!ctx) return false;
    try {
      if (inbound.kind === 'report') {
        await ctx.report({ remoteId: String(inbound.reference), outcome: inbound.outcome, detail: inbound.detail });
        this.deps.counters.reports++;
        return true;
      }
      if (inbound.concat) {
        const whole = await acceptSegment(ctx.stores, this.submitter(ctx), {
          ...this.segmentOf(inbound, inbound.concat),
          idempotencyKey: this.idempotencyKey(pdu),
        });
        this.deps.counters.segments++;
        if (whole && !whole.duplicate) this.received(whole.id, inbound);
      } else {
        const [accepted] = await this.submitter(ctx)([{ ...this.messageOf(inbound), idempotencyKey: this.idempotencyKey(pdu) }]);
        // Read again after a crash: already counted (and delivered) the first time.
        if (accepted && !accepted.duplicate) this.received(accepted.id, inbound);
      }
      return true;
    } catch (e) {
      this.deps.counters.kept++;
      this.complainOnce(
        `${slot}:commit`,
        { err: (e as Error).message, slot },
        'gsm-modem: the gateway did not take a received message; it stays on the SIM and is tried again',
      );
      return false;
    }
  }

  private received(id: string, m: InboundDeliver): void {
    this.deps.counters.received++;
    const port = m.sms.ports?.destination;
    if (port !== undefined) this.deps.portSms?.(id, port);
  }

  /**
   * The same PDU read again is the same SMS (it holds the sender and the SMSC's timestamp to the second):
   * after a crash between the commit and AT+CMGD, or a +CMT the network delivered again, it is stored once
   * (a segment of a long message: not kept again once its message was committed).
   */
  private idempotencyKey(pdu: string): string {
    return `${this.deps.id}:pdu:${createHash('sha256').update(pdu.toUpperCase()).digest('base64url')}`;
  }

  /** Route-to-user applies to whole messages, reassembled ones included. */
  submitter(ctx: ConnectionContext): (m: NewMessage[]) => Promise<Accepted[]> {
    const routeTo = this.deps.routeTo;
    return (messages) => ctx.submit(routeTo === undefined ? messages : messages.map((m) => ({ ...m, routeTo })));
  }

  private from(raw: string): string {
    try {
      return this.deps.normalize(raw);
    } catch {
      // A sender the numbering rules refuse (damaged digits) is still a sender: keep what can be kept.
      const digits = raw.replace(/\D/g, '');
      return digits.length > 0 ? digits : 'unknown';
    }
  }

  private meta(m: InboundDeliver): Record<string, unknown> {
    return {
      modem: this.deps.id,
      sentAt: m.sentAt,
      encoding: m.encoding,
      sms: m.sms,
      ...(m.smsc ? { smsc: m.smsc } : {}),
      ...(m.warnings ? { pduWarnings: m.warnings } : {}),
    };
  }

  private messageOf(m: InboundDeliver): NewMessage {
    return {
      direction: 'MO',
      kind: 'sms',
      from: this.from(m.from),
      to: this.deps.ownNumber(),
      via: this.deps.id,
      parts: [{ contentType: m.contentType, data: m.data }],
      meta: this.meta(m),
    };
  }

  private segmentOf(m: InboundDeliver, concat: NonNullable<InboundDeliver['concat']>) {
    const from = this.from(m.from);
    return {
      key: segmentKey(this.deps.id, from, concat.ref, concat.total),
      seq: concat.seq,
      total: concat.total,
      receivedAt: new Date(),
      from,
      to: this.deps.ownNumber(),
      via: this.deps.id,
      part: { contentType: m.contentType, data: m.data },
      meta: this.meta(m),
    };
  }

  private complainOnce(key: string, fields: Record<string, unknown>, msg: string): void {
    if (this.complained.has(key)) return;
    if (this.complained.size > 10_000) this.complained.clear();
    this.complained.add(key);
    this.deps.log.error(fields, msg);
  }
}
