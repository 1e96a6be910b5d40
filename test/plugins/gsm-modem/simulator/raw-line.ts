// The host end of the line for tests of the simulator itself: a plain serialport client that
// writes bytes and reads what comes back, with no AT engine of its own, so what a test sees is
// exactly what the simulator sent.
import { SerialPort } from 'serialport';

export interface Exchange {
  /** Everything received for this command, echo and noise included. */
  raw: string;
  /** The non-empty lines of `raw`. */
  lines: string[];
}

// A final result code (V.250 §5.7.1, 27.007 §9.2, 27.005 §3.2.5) or the 27.005 "> " prompt ends a response.
const END = /\r\n(OK|ERROR|\+CME ERROR: [^\r\n]*|\+CMS ERROR: [^\r\n]*)\r\n|\r\n> /;

export class RawLine {
  private buf = '';
  private readonly waiters = new Set<() => void>();
  /** Everything ever received. */
  received = '';

  private constructor(private readonly port: SerialPort) {
    port.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      this.buf += text;
      this.received += text;
      for (const w of this.waiters) w();
    });
    port.on('error', () => undefined);
  }

  static async open(path: string): Promise<RawLine> {
    const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    return new RawLine(port);
  }

  get isOpen(): boolean {
    return this.port.isOpen;
  }

  write(data: string | Buffer): void {
    this.port.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Writes `line` + CR and reads up to the final result code or prompt. */
  async command(line: string, opts: { end?: RegExp; timeoutMs?: number } = {}): Promise<Exchange> {
    this.write(`${line}\r`);
    return this.response(opts);
  }

  /** Reads up to the first match of `end` (default: a final result code or the "> " prompt). */
  async response(opts: { end?: RegExp; timeoutMs?: number } = {}): Promise<Exchange> {
    const end = opts.end ?? END;
    const raw = await this.take((buf) => {
      const m = end.exec(buf);
      return m ? m.index + m[0].length : -1;
    }, opts.timeoutMs);
    return { raw, lines: raw.split(/\r\n|\r|\n/).filter((l) => l !== '') };
  }

  /** Reads up to and including the next line matching `re`; resolves with that line. */
  async waitForLine(re: RegExp, timeoutMs = 5000): Promise<string> {
    let found = '';
    await this.take((buf) => {
      let at = 0;
      for (const m of buf.matchAll(/([^\r\n]*)\r\n/g)) {
        at = m.index + m[0].length;
        if (re.test(m[1]!)) {
          found = m[1]!;
          return at;
        }
      }
      return -1;
    }, timeoutMs);
    return found;
  }

  /** What arrives within `ms`, consumed. */
  async drain(ms = 100): Promise<string> {
    await new Promise((r) => setTimeout(r, ms));
    const out = this.buf;
    this.buf = '';
    return out;
  }

  async close(): Promise<void> {
    if (!this.port.isOpen) return;
    await new Promise<void>((resolve) => this.port.close(() => resolve()));
  }

  private async take(find: (buf: string) => number, timeoutMs = 5000): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const end = find(this.buf);
        if (end < 0) return;
        cleanup();
        const out = this.buf.slice(0, end);
        this.buf = this.buf.slice(end);
        resolve(out);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`raw line: timed out after ${timeoutMs} ms; unread: ${JSON.stringify(this.buf)}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }
}
