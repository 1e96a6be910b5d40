// Splits the client's byte stream into command lines. RFC 2449 caps a command at 255 octets with its CRLF;
// a longer line is reported once (so the session can answer -ERR in order) and the rest of it is dropped
// as it arrives, so a client cannot make the server buffer without bound.
export type Line = { kind: 'line'; text: string } | { kind: 'too-long' };

const LF = 0x0a;
const CR = 0x0d;

export class LineReader {
  private buffered: Buffer[] = [];
  private size = 0;
  private discarding = false;

  constructor(private readonly maxOctets = 255) {}

  push(chunk: Buffer): Line[] {
    const out: Line[] = [];
    let start = 0;
    while (start < chunk.length) {
      const lf = chunk.indexOf(LF, start);
      if (lf === -1) {
        this.keep(chunk.subarray(start), out);
        break;
      }
      const piece = chunk.subarray(start, lf);
      start = lf + 1;
      if (this.discarding) {
        this.discarding = false;
        continue;
      }
      const line = this.size ? Buffer.concat([...this.buffered, piece]) : piece;
      this.buffered = [];
      this.size = 0;
      const content = line.length > 0 && line[line.length - 1] === CR ? line.subarray(0, -1) : line;
      out.push(content.length + 2 > this.maxOctets ? { kind: 'too-long' } : { kind: 'line', text: content.toString('utf8') });
    }
    return out;
  }

  /** Forget everything not yet read as a line (STLS: plaintext sent before the handshake must not count). */
  reset(): void {
    this.buffered = [];
    this.size = 0;
    this.discarding = false;
  }

  private keep(rest: Buffer, out: Line[]): void {
    if (this.discarding) return;
    if (this.size + rest.length >= this.maxOctets) {
      out.push({ kind: 'too-long' });
      this.buffered = [];
      this.size = 0;
      this.discarding = true;
      return;
    }
    // Copy: the socket may reuse the chunk's memory.
    this.buffered.push(Buffer.from(rest));
    this.size += rest.length;
  }
}
