// A minimal POP3 client over `net` (RFC 1939): USER/PASS, STAT, UIDL, RETR, QUIT, one command at a time.
// Responses are collected as raw bytes; a timed RETR does no more than find the end of the response.
import net from 'node:net';

export class Pop3Error extends Error {
  constructor(
    readonly command: string,
    readonly response: string,
  ) {
    super(`POP3 ${command} -> ${response.trimEnd()}`);
  }
}

const CRLF_DOT_CRLF = Buffer.from('\r\n.\r\n');

export class Pop3Client {
  private chunks: Buffer[] = [];
  private tail: Buffer = Buffer.alloc(0);
  private waiting: { multi: boolean; resolve(b: Buffer): void; reject(e: Error): void } | undefined;
  private failure: Error | undefined;
  private readonly closed: Promise<void>;
  /** The greeting line (holds the APOP timestamp, if the server offers APOP). */
  greeting = '';

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => this.fail(e));
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        this.fail(new Error('POP3 connection closed by the server'));
        resolve();
      }),
    );
  }

  static async connect(port: number, host = '127.0.0.1'): Promise<Pop3Client> {
    const client = new Pop3Client(net.connect(port, host));
    const greeting = (await client.next(false)).toString('latin1');
    if (!greeting.startsWith('+OK')) throw new Pop3Error('(greeting)', greeting);
    client.greeting = greeting.trimEnd();
    return client;
  }

  /** Connect and log in with USER/PASS. */
  static async login(port: number, user: string, password: string): Promise<Pop3Client> {
    const client = await Pop3Client.connect(port);
    try {
      await client.command(`USER ${user}`);
      await client.command(`PASS ${password}`, 'PASS');
      return client;
    } catch (e) {
      client.destroy();
      throw e;
    }
  }

  private fail(e: Error): void {
    this.failure ??= e;
    const w = this.waiting;
    this.waiting = undefined;
    w?.reject(e);
  }

  private onData(chunk: Buffer): void {
    const w = this.waiting;
    if (!w) return this.fail(new Error(`unexpected POP3 data: ${chunk.toString('latin1', 0, 200)}`));
    this.chunks.push(chunk);
    this.tail = this.tail.length === 0 && chunk.length >= 5 ? chunk.subarray(-5) : Buffer.concat([this.tail, chunk]).subarray(-5);
    let done: boolean;
    if (w.multi && this.chunks[0]![0] === 0x2b /* + */) done = this.tail.equals(CRLF_DOT_CRLF);
    else done = this.tail.length >= 2 && this.tail[this.tail.length - 2] === 0x0d && this.tail[this.tail.length - 1] === 0x0a;
    if (!done) return;
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks = [];
    this.tail = Buffer.alloc(0);
    this.waiting = undefined;
    w.resolve(all);
  }

  private next(multi: boolean): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = { multi, resolve, reject };
    });
  }

  private async send(line: string, multi: boolean, label: string): Promise<Buffer> {
    const response = this.next(multi);
    this.socket.write(`${line}\r\n`);
    const r = await response;
    if (r[0] !== 0x2b) throw new Pop3Error(label, r.toString('latin1', 0, Math.min(r.length, 512)));
    return r;
  }

  /** A single-line command; returns the +OK line. */
  async command(line: string, label = line): Promise<string> {
    return (await this.send(line, false, label)).toString('latin1').trimEnd();
  }

  async stat(): Promise<{ count: number; octets: number }> {
    const [, count, octets] = (await this.command('STAT')).split(' ');
    return { count: Number(count), octets: Number(octets) };
  }

  /** UIDL: the unique ids, in message-number order. */
  async uidl(): Promise<string[]> {
    const body = bodyOf(await this.send('UIDL', true, 'UIDL')).toString('latin1');
    if (body === '') return [];
    return body
      .split('\r\n')
      .filter(Boolean)
      .map((l) => l.slice(l.indexOf(' ') + 1));
  }

  /** RETR n: the raw response (status line, dot-stuffed body, terminator); see messageOf. */
  retrRaw(n: number): Promise<Buffer> {
    return this.send(`RETR ${n}`, true, `RETR ${n}`);
  }

  /** QUIT (no DELE was sent, so nothing is removed) and wait for the server to close. */
  async quit(): Promise<void> {
    try {
      await this.command('QUIT');
    } catch {
      // closed already
    }
    this.socket.end();
    await Promise.race([this.closed, new Promise((r) => setTimeout(r, 2000))]);
    this.socket.destroy();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** The body of a multi-line response: between the status line and the terminating `.` line, still dot-stuffed. */
function bodyOf(raw: Buffer): Buffer {
  const start = raw.indexOf('\r\n') + 2;
  // "+OK\r\n.\r\n": the terminator's CRLF is the status line's.
  return start >= raw.length - 3 ? Buffer.alloc(0) : raw.subarray(start, raw.length - 3);
}

/** The message a RETR response carries: dot-stuffing undone, CRLF line ends. */
export function messageOf(raw: Buffer): Buffer {
  const body = bodyOf(raw);
  const out: Buffer[] = [];
  let lineStart = 0;
  while (lineStart < body.length) {
    let end = body.indexOf('\r\n', lineStart);
    end = end < 0 ? body.length : end + 2;
    out.push(body[lineStart] === 0x2e ? body.subarray(lineStart + 1, end) : body.subarray(lineStart, end));
    lineStart = end;
  }
  return Buffer.concat(out);
}
