// The simulator's own framing (SMPP v3.4 §3.2): a 4-octet command_length, then the rest. Written apart from
// the gateway's framing on purpose: a test double that shares the code under test shares its bugs.
import smpp, { type PDU } from 'smpp';

export interface RawPdu {
  raw: Buffer;
  /** Undefined when the package cannot decode it (unknown command, bad body). */
  pdu?: PDU;
  commandId: number;
  status: number;
  sequence: number;
}

/** Splits a byte stream into PDUs; `bad` is set once the stream carried an impossible command_length. */
export class Framer {
  private buf = Buffer.alloc(0);
  bad: string | undefined;

  push(chunk: Buffer): RawPdu[] {
    this.buf = Buffer.concat([this.buf, chunk]);
    const out: RawPdu[] = [];
    while (!this.bad && this.buf.length >= 4) {
      const len = this.buf.readUInt32BE(0);
      if (len < 16 || len > 65_536) {
        this.bad = `command_length ${len}`;
        break;
      }
      if (this.buf.length < len) break;
      const raw = Buffer.from(this.buf.subarray(0, len));
      this.buf = this.buf.subarray(len);
      let pdu: PDU | undefined;
      try {
        pdu = new smpp.PDU(raw);
        if (pdu.command === 'unknown') pdu = undefined;
      } catch {
        pdu = undefined;
      }
      out.push({ raw, pdu, commandId: raw.readUInt32BE(4), status: raw.readUInt32BE(8), sequence: raw.readUInt32BE(12) });
    }
    return out;
  }
}
