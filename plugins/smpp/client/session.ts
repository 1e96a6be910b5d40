// One TCP (or TLS) session with an SMSC: PDUs in and out, requests matched to their responses by
// sequence_number with a timeout each, generic_nack for what cannot be read. Binding, keep-alive and
// reconnecting are link.ts's job; what the PDUs mean is the connection's.
import type { Socket } from 'node:net';
import smpp, { type PDU, type PDUFields, type CommandName } from 'smpp';
import type { Logger } from 'nowsms';
import { flushWrites, writeBatched } from '../shared/batched-write.ts';
import { PduReader, type GoodFrame } from '../shared/framing.ts';
import { statusName } from '../shared/status.ts';

export type RequestFailure = 'timeout' | 'closed' | 'nack' | 'malformed';

export class RequestError extends Error {
  override name = 'RequestError';
  constructor(
    readonly failure: RequestFailure,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

interface Pending {
  command: string;
  resolve: (pdu: PDU) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export interface SessionCounters {
  genericNacks: number;
  malformedPdus: number;
  unknownPdus: number;
  lateResponses: number;
}

/** A PDU as the logs show it: the header and fields, without the library's internals. */
export function describePdu(pdu: PDU | undefined, raw?: Buffer): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (pdu) {
    for (const [k, v] of Object.entries(pdu)) {
      if (typeof v === 'function') continue;
      out[k] = Buffer.isBuffer(v) ? v.toString('hex') : v;
    }
  }
  if (raw) out.hex = raw.subarray(0, 512).toString('hex');
  return out;
}

const MAX_SEQUENCE = 0x7fffffff;

export class Session {
  // SMSCs in the field send receipts whose last TLV overruns the PDU; the receipt is worth more than the nit.
  private readonly reader = new PduReader({ lenientLastTlv: true });
  private readonly pending = new Map<number, Pending>();
  private sequence = 0;
  private closeReason: string | undefined;
  /** Resolves with the reason once the socket is gone. */
  readonly closed: Promise<string>;

  constructor(
    private readonly socket: Socket,
    private readonly opts: {
      responseTimeoutMs: number;
      log: Logger;
      counters: SessionCounters;
      /** A request from the SMSC (deliver_sm, enquire_link, unbind, ...). */
      onRequest: (frame: GoodFrame) => void;
    },
  ) {
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        const reason = this.closeReason ?? 'the SMSC closed the connection';
        for (const [seq, p] of this.pending) {
          clearTimeout(p.timer);
          p.reject(new RequestError('closed', `connection lost before ${p.command}_resp (${reason})`));
          this.pending.delete(seq);
        }
        resolve(reason);
      });
    });
    socket.on('error', (err) => {
      this.closeReason ??= `socket error: ${err.message}`;
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  get isOpen(): boolean {
    return !this.socket.destroyed && this.closeReason === undefined;
  }

  get outstanding(): number {
    return this.pending.size;
  }

  /** Send a request; resolves with its response (any command_status), rejects with RequestError. */
  request(command: CommandName, fields: PDUFields = {}, timeoutMs = this.opts.responseTimeoutMs): Promise<PDU> {
    if (!this.isOpen) return Promise.reject(new RequestError('closed', `cannot send ${command}: not connected`));
    this.sequence = this.sequence >= MAX_SEQUENCE ? 1 : this.sequence + 1;
    const seq = this.sequence;
    const pdu = new smpp.PDU(command, { ...fields, sequence_number: seq });
    return new Promise<PDU>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        reject(new RequestError('timeout', `no ${command}_resp within ${Math.round(timeoutMs / 100) / 10} s`));
      }, timeoutMs);
      this.pending.set(seq, { command, resolve, reject, timer });
      this.write(pdu);
    });
  }

  /** Answer a request from the SMSC. */
  respond(request: PDU, fields: PDUFields = {}): void {
    this.write(request.response(fields));
  }

  nack(sequence: number, status: number): void {
    this.write(new smpp.PDU('generic_nack', { sequence_number: sequence, command_status: status }));
  }

  close(reason: string): void {
    this.closeReason ??= reason;
    flushWrites(this.socket);
    this.socket.destroy();
  }

  private write(pdu: PDU): void {
    if (!this.isOpen) return;
    writeBatched(this.socket, pdu.toBuffer());
  }

  private onData(chunk: Buffer): void {
    const { log, counters } = this.opts;
    for (const frame of this.reader.push(chunk)) {
      if (!frame.ok) {
        counters.malformedPdus++;
        const isResponse = frame.commandId !== undefined && (frame.commandId & 0x80000000) !== 0;
        log.warn({ reason: frame.reason, pdu: describePdu(undefined, frame.raw) }, 'smpp: unreadable PDU from the SMSC');
        if (frame.fatal) {
          this.nack(frame.sequence ?? 0, frame.status);
          this.close(`unreadable PDU: ${frame.reason}`);
          return;
        }
        const p = frame.sequence !== undefined && isResponse ? this.take(frame.sequence) : undefined;
        if (p) p.reject(new RequestError('malformed', `unreadable ${p.command}_resp: ${frame.reason}`));
        else if (!isResponse) {
          if (frame.status === smpp.ESME_RINVCMDID) counters.unknownPdus++;
          this.nack(frame.sequence ?? 0, frame.status);
        }
        continue;
      }
      const { pdu } = frame;
      if (pdu.command === 'generic_nack') {
        counters.genericNacks++;
        const p = this.take(pdu.sequence_number);
        log.warn({ status: statusName(pdu.command_status), request: p?.command, pdu: describePdu(pdu, frame.raw) }, 'smpp: generic_nack from the SMSC');
        p?.reject(new RequestError('nack', `generic_nack ${statusName(pdu.command_status)} for ${p.command}`, pdu.command_status));
        continue;
      }
      if (pdu.isResponse()) {
        const p = this.take(pdu.sequence_number);
        if (p) p.resolve(pdu);
        else {
          counters.lateResponses++;
          log.warn({ pdu: describePdu(pdu) }, 'smpp: response to no outstanding request (late, after its timeout?)');
        }
        continue;
      }
      this.opts.onRequest(frame);
    }
  }

  private take(sequence: number): Pending | undefined {
    const p = this.pending.get(sequence);
    if (!p) return undefined;
    clearTimeout(p.timer);
    this.pending.delete(sequence);
    return p;
  }
}
