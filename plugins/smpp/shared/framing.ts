// Cutting a TCP stream into PDUs (SMPP v3.4 §3.2: a 4-octet command_length, then the rest) and decoding
// each with the `smpp` package, plus the checks it skips. A bad length cannot be resynchronised: the
// stream is dead and the peer gets generic_nack then a close. A bad body inside a good length costs only
// that PDU: the peer gets generic_nack (or an error response) and the session goes on.
import smpp, { type PDU } from 'smpp';
import { inspectBody, PduFormatError, type BodyLayout, type InspectOptions } from './wire.ts';

const HEADER = 16;
/**
 * SMPP 3.4 lets message_payload carry up to 64 KiB (section 5.3.2.32): the header, the mandatory fields
 * (a few hundred octets at most) and a full payload with other TLVs fit in this. The package's own limit
 * (PDU.maxLength, 16 KiB) is raised to match, or a legal PDU would kill the session as a framing error;
 * whether its message fits an SMS is the submit's question, answered with a submit_sm_resp.
 */
export const MAX_PDU_LENGTH = 16 + 65_536 + 4_096;
if (smpp.PDU.maxLength < MAX_PDU_LENGTH) smpp.PDU.maxLength = MAX_PDU_LENGTH;

export interface GoodFrame extends BodyLayout {
  ok: true;
  pdu: PDU;
  raw: Buffer;
}

export interface BadFrame {
  ok: false;
  /** The stream cannot go on (the length itself is wrong). */
  fatal: boolean;
  /** The command_status to answer with in generic_nack. */
  status: number;
  reason: string;
  raw: Buffer;
  commandId?: number;
  sequence?: number;
}

export type Frame = GoodFrame | BadFrame;

/** Decode one whole PDU (length prefix included). */
export function decodeFrame(raw: Buffer, opts: InspectOptions = {}): Frame {
  const commandId = raw.readUInt32BE(4);
  const sequence = raw.readUInt32BE(12);
  const def = smpp.commandsById[commandId];
  if (!def) {
    return {
      ok: false,
      fatal: false,
      status: smpp.ESME_RINVCMDID,
      reason: `unknown command_id 0x${commandId.toString(16).padStart(8, '0')}`,
      raw,
      commandId,
      sequence,
    };
  }
  try {
    const layout = inspectBody(raw, def, opts);
    return { ok: true, pdu: new smpp.PDU(raw), raw, ...layout };
  } catch (e) {
    const reason = e instanceof PduFormatError ? e.message : `undecodable ${def.command}: ${(e as Error).message}`;
    return { ok: false, fatal: false, status: smpp.ESME_RINVCMDLEN, reason: `${def.command}: ${reason}`, raw, commandId, sequence };
  }
}

export class PduReader {
  private buf: Buffer = Buffer.alloc(0);
  private dead = false;

  constructor(private readonly opts: InspectOptions = {}) {}

  /** Octets held while waiting for the rest of a PDU. */
  get buffered(): number {
    return this.buf.length;
  }

  /** Feed octets; returns every PDU now complete, in order. After a fatal frame nothing more is read. */
  push(chunk: Buffer): Frame[] {
    if (this.dead) return [];
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: Frame[] = [];
    while (this.buf.length >= 4) {
      const length = this.buf.readUInt32BE(0);
      if (length < HEADER || length > MAX_PDU_LENGTH) {
        const raw = this.buf.subarray(0, Math.min(this.buf.length, HEADER));
        out.push({
          ok: false,
          fatal: true,
          status: smpp.ESME_RINVCMDLEN,
          reason: `command_length ${length} is outside ${HEADER}..${MAX_PDU_LENGTH}`,
          raw,
          ...(raw.length >= 8 ? { commandId: raw.readUInt32BE(4) } : {}),
          ...(raw.length >= 16 ? { sequence: raw.readUInt32BE(12) } : {}),
        });
        this.buf = Buffer.alloc(0);
        this.dead = true;
        break;
      }
      if (this.buf.length < length) break;
      const raw = Buffer.from(this.buf.subarray(0, length));
      this.buf = this.buf.subarray(length);
      out.push(decodeFrame(raw, this.opts));
    }
    return out;
  }
}
