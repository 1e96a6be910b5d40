// An SMSC for tests, written from the SMPP v3.4 specification: binds checked against credentials,
// submit_sm answered with message ids (decimal or hex), delivery receipts as deliver_sm, MO injection,
// every PDU recorded, and misbehaviour on demand (see README.md).
import net from 'node:net';
import tls from 'node:tls';
import smpp, { type CommandName, type PDU, type PDUFields } from 'smpp';
import { Framer, type RawPdu } from './wire.ts';
import { moFields, receiptFields, viewSubmit, type MoOptions, type ReceiptOptions, type SubmitView } from './messages.ts';

export type BindRole = 'transceiver' | 'transmitter' | 'receiver';

export interface Recorded {
  dir: 'in' | 'out';
  session: number;
  command: string;
  sequence: number;
  status: number;
  pdu?: PDU;
  raw: Buffer;
}

export interface Submit {
  session: number;
  sequence: number;
  pdu: PDU;
  view: SubmitView;
  /** The message id given in submit_sm_resp (undefined when it was not accepted). */
  messageId?: string;
  status: number;
  at: Date;
}

/** What to do with the next submit_sm instead of accepting it. */
export type SubmitFault = 'ignore' | 'nack' | 'unbind' | 'drop' | { status: number };

export interface SimulatorOptions {
  systemId?: string;
  password?: string;
  /** Message ids in submit_sm_resp. */
  idFormat?: 'decimal' | 'hex';
  /** First message id (as a number). */
  firstId?: number;
  /** Send a receipt for each accepted submit_sm that asks for one. */
  receipts?: boolean;
  receiptStat?: string;
  receipt?: ReceiptOptions;
  /** How the id is written in receipts: as given, converted between hex and decimal, upper-case, zero-padded. */
  receiptIdForm?: 'same' | 'decimal' | 'hex' | 'upper' | 'padded';
  /** Accept at most this many submit_sm per second; the rest get 0x58 ESME_RTHROTTLED. */
  throttlePerSecond?: number;
  /** Answer every bind with this command_status. */
  refuseBind?: number;
  /** Send an MO deliver_sm before answering the bind (a protocol violation some SMSCs commit). */
  deliverBeforeBind?: boolean;
  /** Leave enquire_link unanswered (a hung SMSC whose TCP is still up). */
  ignoreEnquireLinks?: boolean;
  /** Speak TLS from the first byte with this key and certificate (PEM). */
  tls?: { key: Buffer | string; cert: Buffer | string };
}

interface SimSession {
  id: number;
  socket: net.Socket;
  framer: Framer;
  bound?: BindRole;
  systemId?: string;
  seq: number;
  pending: Map<number, (resp: RawPdu) => void>;
}

export class SmscSimulator {
  readonly records: Recorded[] = [];
  readonly submits: Submit[] = [];
  /** command_status of each deliver_sm_resp received, by what was sent. */
  readonly deliverResponses: { sequence: number; status: number }[] = [];
  readonly options: SimulatorOptions;
  private readonly server: net.Server;
  private readonly sessions = new Set<SimSession>();
  private readonly faults: SubmitFault[] = [];
  private nextId: number;
  private nextSession = 1;
  private accepted: number[] = [];
  port = 0;

  private constructor(options: SimulatorOptions) {
    this.options = { ...options };
    this.nextId = options.firstId ?? 1_000_000;
    this.server = options.tls
      ? tls.createServer({ key: options.tls.key, cert: options.tls.cert }, (socket) => this.onConnection(socket))
      : net.createServer((socket) => this.onConnection(socket));
  }

  static async start(options: SimulatorOptions = {}, port = 0): Promise<SmscSimulator> {
    const sim = new SmscSimulator(options);
    await new Promise<void>((resolve, reject) => {
      sim.server.once('error', reject);
      sim.server.listen(port, '127.0.0.1', () => resolve());
    });
    sim.port = (sim.server.address() as net.AddressInfo).port;
    return sim;
  }

  async stop(): Promise<void> {
    for (const s of this.sessions) s.socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Sessions currently bound, with their role. */
  get bound(): { id: number; role: BindRole; systemId?: string }[] {
    return [...this.sessions].filter((s) => s.bound).map((s) => ({ id: s.id, role: s.bound!, systemId: s.systemId }));
  }

  /** The next submit_sm PDUs get these treatments, in order, instead of being accepted. */
  failNextSubmits(...faults: SubmitFault[]): void {
    this.faults.push(...faults);
  }

  /** Accepted submits grouped into whole messages (concatenated parts joined in order). */
  messages(): { to: string; from: string; text: string; parts: Submit[] }[] {
    const out: { to: string; from: string; text: string; parts: Submit[] }[] = [];
    const groups = new Map<string, Submit[]>();
    for (const s of this.submits.filter((x) => x.messageId !== undefined)) {
      const c = s.view.concat;
      if (!c || c.total <= 1) {
        out.push({ to: s.pdu.destination_addr ?? '', from: s.pdu.source_addr ?? '', text: s.view.text, parts: [s] });
        continue;
      }
      const key = `${s.pdu.destination_addr}|${c.ref}|${c.total}`;
      const g = groups.get(key) ?? [];
      // A retried message repeats its parts: a group is complete at `total`, then a new one starts.
      if (g.length === c.total) {
        out.push(joined(g));
        groups.set(key, [s]);
      } else {
        g.push(s);
        groups.set(key, g);
      }
    }
    for (const g of groups.values()) out.push(joined(g));
    return out;
  }

  // ---- actions ------------------------------------------------------------------------------------

  /** Send an MO (single or long) to a bound receiver; resolves with each deliver_sm_resp status. */
  async deliverMo(o: MoOptions): Promise<number[]> {
    const statuses: number[] = [];
    for (const fields of moFields(o)) statuses.push(await this.deliver(fields));
    return statuses;
  }

  /** Send a delivery receipt for a message id (as written in the receipt). */
  sendReceipt(id: string, stat = 'DELIVRD', opts: ReceiptOptions & { from?: string; to?: string } = {}): Promise<number> {
    return this.deliver(receiptFields({ id, stat, from: opts.from ?? '', to: opts.to ?? '', submitted: new Date() }, opts));
  }

  /** A deliver_sm with these fields to the first bound receiver/transceiver; resolves with the response status. */
  async deliver(fields: PDUFields): Promise<number> {
    const s = [...this.sessions].find((x) => x.bound === 'receiver' || x.bound === 'transceiver');
    if (!s) throw new Error('simulator: no receiver bound');
    const resp = await this.request(s, 'deliver_sm', fields);
    this.deliverResponses.push({ sequence: resp.sequence, status: resp.status });
    return resp.status;
  }

  /** unbind every session (the SMSC going down for maintenance). */
  async unbindAll(): Promise<void> {
    await Promise.all([...this.sessions].filter((s) => s.bound).map((s) => this.request(s, 'unbind', {}).then(() => s.socket.end())));
  }

  /** Drop every TCP connection without a word. */
  dropAll(): void {
    for (const s of this.sessions) s.socket.destroy();
  }

  /** Raw octets to every bound session: malformed PDUs. */
  sendRaw(bytes: Buffer): void {
    for (const s of this.sessions) if (s.bound) s.socket.write(bytes);
  }

  /** A PDU with an impossible command_length (8: shorter than the header). */
  static readonly SHORT_LENGTH = Buffer.from('000000080000001500000000', 'hex');
  /** A deliver_sm whose source_addr never ends (no NUL before the end of the PDU). */
  static readonly UNTERMINATED_BODY = Buffer.from('00000018000000050000000000000777' + '0001013131313131', 'hex');
  /** A command the specification does not define. */
  static readonly UNKNOWN_COMMAND = Buffer.from('0000001000000110000000000000077a', 'hex');

  // ---- protocol -----------------------------------------------------------------------------------

  private onConnection(socket: net.Socket): void {
    const s: SimSession = { id: this.nextSession++, socket, framer: new Framer(), seq: 0, pending: new Map() };
    this.sessions.add(s);
    socket.on('data', (chunk: Buffer) => {
      for (const p of s.framer.push(chunk)) this.onPdu(s, p);
      if (s.framer.bad) {
        this.send(s, new smpp.PDU('generic_nack', { command_status: smpp.ESME_RINVCMDLEN, sequence_number: 0 }));
        socket.destroy();
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => this.sessions.delete(s));
  }

  private record(dir: 'in' | 'out', s: SimSession, raw: Buffer, pdu?: PDU): void {
    this.records.push({
      dir,
      session: s.id,
      command: pdu?.command ?? `0x${raw.readUInt32BE(4).toString(16)}`,
      sequence: raw.readUInt32BE(12),
      status: raw.readUInt32BE(8),
      ...(pdu ? { pdu } : {}),
      raw,
    });
  }

  private send(s: SimSession, pdu: PDU): void {
    const raw = pdu.toBuffer();
    this.record('out', s, raw, new smpp.PDU(raw));
    if (!s.socket.destroyed) s.socket.write(raw);
  }

  private request(s: SimSession, command: CommandName, fields: PDUFields): Promise<RawPdu> {
    s.seq = s.seq >= 0x7fffffff ? 1 : s.seq + 1;
    const seq = s.seq;
    return new Promise((resolve, reject) => {
      // The close listener goes with the response: a long session must not pile one up per request.
      const closed = () => reject(new Error(`simulator: connection closed before ${command}_resp`));
      s.socket.once('close', closed);
      s.pending.set(seq, (resp) => {
        s.socket.off('close', closed);
        resolve(resp);
      });
      this.send(s, new smpp.PDU(command, { ...fields, sequence_number: seq }));
    });
  }

  private onPdu(s: SimSession, p: RawPdu): void {
    this.record('in', s, p.raw, p.pdu);
    const pdu = p.pdu;
    if (!pdu) {
      // An unknown command or an unreadable body: generic_nack (§4.3), the session goes on.
      const status = smpp.commandsById[p.commandId] ? smpp.ESME_RINVCMDLEN : smpp.ESME_RINVCMDID;
      if (!(p.commandId & 0x80000000)) this.send(s, new smpp.PDU('generic_nack', { command_status: status, sequence_number: p.sequence }));
      return;
    }
    if (pdu.isResponse()) {
      const done = s.pending.get(p.sequence);
      s.pending.delete(p.sequence);
      done?.(p);
      return;
    }
    switch (pdu.command) {
      case 'bind_transceiver':
      case 'bind_transmitter':
      case 'bind_receiver':
        return this.onBind(s, pdu);
      case 'enquire_link':
        if (this.options.ignoreEnquireLinks) return;
        return this.send(s, pdu.response());
      case 'unbind':
        this.send(s, pdu.response());
        s.bound = undefined;
        s.socket.end();
        return;
      case 'submit_sm':
        return this.onSubmit(s, pdu);
      default:
        this.send(s, pdu.response({ command_status: s.bound ? smpp.ESME_RINVCMDID : smpp.ESME_RINVBNDSTS }));
    }
  }

  private onBind(s: SimSession, pdu: PDU): void {
    const o = this.options;
    const role = pdu.command.slice('bind_'.length) as BindRole;
    let status = 0;
    if (s.bound) status = smpp.ESME_RALYBND;
    else if (o.refuseBind) status = o.refuseBind;
    else if (o.systemId !== undefined && pdu.system_id !== o.systemId) status = smpp.ESME_RINVSYSID;
    else if (o.password !== undefined && pdu.password !== o.password) status = smpp.ESME_RINVPASWD;
    if (status === 0 && o.deliverBeforeBind) {
      // Not bound yet, so the ESME must refuse this; the simulator records what it answers.
      s.seq++;
      const seq = s.seq;
      s.pending.set(seq, (resp) => this.deliverResponses.push({ sequence: resp.sequence, status: resp.status }));
      this.send(s, new smpp.PDU('deliver_sm', { ...moFields({ from: '+15550009999', to: '+15550001111', text: 'too early' })[0], sequence_number: seq }));
    }
    if (status === 0) {
      s.bound = role;
      s.systemId = pdu.system_id;
    }
    this.send(s, pdu.response({ command_status: status, system_id: 'nowsms-sim' }));
  }

  private formatId(n: number): string {
    return this.options.idFormat === 'hex' ? n.toString(16).toUpperCase() : String(n);
  }

  private receiptId(id: string): string {
    switch (this.options.receiptIdForm ?? 'same') {
      case 'same':
        return id;
      case 'decimal':
        return BigInt(`0x${id}`).toString(10);
      case 'hex':
        return BigInt(id).toString(16);
      case 'upper':
        return id.toUpperCase();
      case 'padded':
        return id.padStart(20, '0');
    }
  }

  private onSubmit(s: SimSession, pdu: PDU): void {
    const at = new Date();
    const submit: Submit = { session: s.id, sequence: pdu.sequence_number, pdu, view: viewSubmit(pdu), status: 0, at };
    this.submits.push(submit);
    const answer = (status: number, fields: PDUFields = {}) => {
      submit.status = status;
      this.send(s, pdu.response({ command_status: status, ...fields }));
    };
    if (s.bound !== 'transmitter' && s.bound !== 'transceiver') return answer(smpp.ESME_RINVBNDSTS);
    const fault = this.faults.shift();
    if (fault !== undefined) {
      if (fault === 'ignore') return;
      if (fault === 'nack') {
        submit.status = smpp.ESME_RSYSERR;
        return this.send(s, new smpp.PDU('generic_nack', { command_status: smpp.ESME_RSYSERR, sequence_number: pdu.sequence_number }));
      }
      if (fault === 'drop') return void s.socket.destroy();
      if (fault === 'unbind') {
        void this.request(s, 'unbind', {}).then(
          () => s.socket.end(),
          () => {},
        );
        return;
      }
      return answer(fault.status);
    }
    const limit = this.options.throttlePerSecond;
    if (limit !== undefined) {
      const now = Date.now();
      this.accepted = this.accepted.filter((t) => now - t < 1000);
      if (this.accepted.length >= limit) return answer(smpp.ESME_RTHROTTLED);
      this.accepted.push(now);
    }
    const messageId = this.formatId(this.nextId++);
    submit.messageId = messageId;
    answer(0, { message_id: messageId });
    if (this.options.receipts && ((pdu.registered_delivery ?? 0) & 0x03) !== 0) {
      const fields = receiptFields(
        {
          id: this.receiptId(messageId),
          stat: this.options.receiptStat ?? 'DELIVRD',
          from: pdu.source_addr ?? '',
          to: pdu.destination_addr ?? '',
          submitted: at,
        },
        this.options.receipt,
      );
      setImmediate(() => {
        this.deliver(fields).catch(() => {});
      });
    }
  }
}

function joined(parts: Submit[]): { to: string; from: string; text: string; parts: Submit[] } {
  const sorted = [...parts].sort((a, b) => (a.view.concat?.seq ?? 0) - (b.view.concat?.seq ?? 0));
  return { to: sorted[0]!.pdu.destination_addr ?? '', from: sorted[0]!.pdu.source_addr ?? '', text: sorted.map((p) => p.view.text).join(''), parts: sorted };
}
