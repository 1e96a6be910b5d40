// A raw TCP client for the malformed-PDU tests: bytes in, PDUs out, nothing smart in between.
import net from 'node:net';

export interface RawPdu {
  length: number;
  commandId: number;
  status: number;
  sequence: number;
  body: Buffer;
}

export class RawSmpp {
  readonly pdus: RawPdu[] = [];
  closed = false;
  private buf = Buffer.alloc(0);

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      while (this.buf.length >= 16 && this.buf.length >= this.buf.readUInt32BE(0)) {
        const length = this.buf.readUInt32BE(0);
        this.pdus.push({
          length,
          commandId: this.buf.readUInt32BE(4),
          status: this.buf.readUInt32BE(8),
          sequence: this.buf.readUInt32BE(12),
          body: this.buf.subarray(16, length),
        });
        this.buf = this.buf.subarray(length);
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => (this.closed = true));
  }

  /** `localAddress`: another loopback address (127.0.0.2, ...) to connect from. */
  static open(port: number, localAddress?: string): Promise<RawSmpp> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host: '127.0.0.1', ...(localAddress ? { localAddress } : {}) }, () => resolve(new RawSmpp(s)));
      s.once('error', reject);
    });
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  async until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** A PDU from its parts: header fields and a body. */
export function pdu(commandId: number, sequence: number, body: Buffer = Buffer.alloc(0), status = 0): Buffer {
  const head = Buffer.alloc(16);
  head.writeUInt32BE(16 + body.length, 0);
  head.writeUInt32BE(commandId, 4);
  head.writeUInt32BE(status, 8);
  head.writeUInt32BE(sequence, 12);
  return Buffer.concat([head, body]);
}

export const cstr = (s: string): Buffer => Buffer.concat([Buffer.from(s, 'latin1'), Buffer.from([0])]);
