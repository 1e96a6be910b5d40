// A byte-exact POP3 client for tests: what the server sends is kept as bytes, so octet counts and
// dot-stuffing can be checked, and several commands can be sent in one packet.
import net from 'node:net';
import tls from 'node:tls';

export class RawPop3 {
  private buf = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(private socket: net.Socket) {
    this.attach(socket);
  }

  static async connect(port: number, opts: { tls?: boolean } = {}): Promise<RawPop3> {
    const socket = opts.tls ? tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false }) : net.connect({ port, host: '127.0.0.1' });
    await new Promise<void>((resolve, reject) => {
      socket.once(opts.tls ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    return new RawPop3(socket);
  }

  /** Connect and read the greeting. */
  static async open(port: number, opts: { tls?: boolean } = {}): Promise<{ c: RawPop3; greeting: string }> {
    const c = await RawPop3.connect(port, opts);
    return { c, greeting: await c.line() };
  }

  get encrypted(): boolean {
    return this.socket instanceof tls.TLSSocket;
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Send a command, read a one-line answer. */
  async cmd(command: string): Promise<string> {
    this.write(command + '\r\n');
    return this.line();
  }

  /** Send a command, read a multi-line answer: the status line and the raw bytes up to and including ".\r\n". */
  async multi(command: string): Promise<{ status: string; body: Buffer }> {
    this.write(command + '\r\n');
    const status = await this.line();
    if (!status.startsWith('+OK')) return { status, body: Buffer.alloc(0) };
    return { status, body: await this.block() };
  }

  /** The next line, without CRLF. */
  async line(): Promise<string> {
    const i = await this.until(() => this.buf.indexOf('\r\n'));
    const line = this.buf.subarray(0, i).toString('utf8');
    this.buf = this.buf.subarray(i + 2);
    return line;
  }

  /** A multi-line block up to and including the terminating ".\r\n". */
  async block(): Promise<Buffer> {
    const end = await this.until(() => {
      if (this.buf.subarray(0, 3).equals(Buffer.from('.\r\n'))) return 0;
      const i = this.buf.indexOf('\r\n.\r\n');
      return i === -1 ? -1 : i + 2;
    });
    const body = this.buf.subarray(0, end + 3);
    this.buf = this.buf.subarray(end + 3);
    return body;
  }

  /** Resolves when the server closes the connection; returns what it sent last. */
  async closedByServer(timeoutMs = 5000): Promise<string> {
    await this.until(() => (this.closed ? 0 : -1), timeoutMs);
    return this.buf.toString('utf8');
  }

  /** STLS handshake over the same TCP connection (the client side of RFC 2595). */
  async startTls(): Promise<void> {
    const plain = this.socket;
    plain.removeAllListeners('data');
    const secure = tls.connect({ socket: plain, rejectUnauthorized: false, servername: 'localhost' });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    this.socket = secure;
    this.buf = Buffer.alloc(0);
    this.attach(secure);
  }

  async quit(): Promise<string> {
    const r = await this.cmd('QUIT');
    await this.closedByServer().catch(() => undefined);
    this.destroy();
    return r;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private attach(socket: net.Socket): void {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private async until(found: () => number, timeoutMs = 10_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = found();
      if (i >= 0) return i;
      if (this.closed && found() < 0) throw new Error(`connection closed; unread: ${JSON.stringify(this.buf.toString('utf8'))}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; unread: ${JSON.stringify(this.buf.toString('utf8'))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
}
