// A minimal SMTP client over `net`: one command at a time (no pipelining), the connection reused for every
// message. It does as little as it can per reply, so the server is what the figures measure.
import net from 'node:net';

export interface Reply {
  code: number;
  text: string;
}

export class SmtpError extends Error {
  constructor(
    readonly command: string,
    readonly reply: Reply,
  ) {
    super(`SMTP ${command} -> ${reply.text.trimEnd()}`);
  }
}

export class SmtpClient {
  private buffer = '';
  private waiting: { resolve(r: Reply): void; reject(e: Error): void } | undefined;
  private failure: Error | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.fail(new Error('SMTP connection closed by the server')));
  }

  static async connect(port: number, host = '127.0.0.1'): Promise<SmtpClient> {
    const socket = net.connect(port, host);
    const client = new SmtpClient(socket);
    const greeting = await client.next();
    if (greeting.code !== 220) throw new SmtpError('(greeting)', greeting);
    return client;
  }

  private fail(e: Error): void {
    this.failure ??= e;
    const w = this.waiting;
    this.waiting = undefined;
    w?.reject(e);
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    // A reply is complete when its last line is `ddd<SP>...` or `ddd` followed by CRLF.
    if (!this.buffer.endsWith('\r\n')) return;
    const prev = this.buffer.lastIndexOf('\r\n', this.buffer.length - 3);
    const start = prev < 0 ? 0 : prev + 2;
    const last = this.buffer.slice(start);
    if (last.length >= 5 && last[3] === '-') return;
    const text = this.buffer;
    this.buffer = '';
    const w = this.waiting;
    this.waiting = undefined;
    if (!w) return this.fail(new Error(`unexpected SMTP reply: ${text.trimEnd()}`));
    w.resolve({ code: Number(last.slice(0, 3)), text });
  }

  private next(): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  /** Send a command (or raw bytes) and wait for the reply. */
  async command(line: string | Buffer, expect: number, label = typeof line === 'string' ? line.split(' ')[0]! : 'DATA body'): Promise<Reply> {
    const reply = this.next();
    this.socket.write(line);
    const r = await reply;
    if (r.code !== expect) throw new SmtpError(label, r);
    return r;
  }

  async hello(): Promise<void> {
    await this.command('EHLO bench.localhost\r\n', 250, 'EHLO');
  }

  async login(user: string, password: string): Promise<void> {
    await this.hello();
    const token = Buffer.from(`\0${user}\0${password}`, 'utf8').toString('base64');
    await this.command(`AUTH PLAIN ${token}\r\n`, 235, 'AUTH PLAIN');
  }

  /** One mail: MAIL FROM, RCPT TO, DATA, the body (already CRLF and dot-stuffed, ending in CRLF), then the final reply. */
  async send(mailFrom: string, rcptTo: string, body: Buffer): Promise<Reply> {
    await this.command(`MAIL FROM:<${mailFrom}>\r\n`, 250, 'MAIL FROM');
    await this.command(`RCPT TO:<${rcptTo}>\r\n`, 250, 'RCPT TO');
    await this.command('DATA\r\n', 354, 'DATA');
    return this.command(body, 250, 'end of DATA');
  }

  async quit(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    try {
      await this.command('QUIT\r\n', 221, 'QUIT');
    } catch {
      // the server may close first
    }
    this.socket.end();
    await Promise.race([closed, new Promise((r) => setTimeout(r, 2000))]);
    this.socket.destroy();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** A small plain-text mail, CRLF line ends, the DATA terminator included. */
export function mailBody(i: number, from: string, to: string): Buffer {
  const lines = [
    `From: Alice <${from}>`,
    `To: <${to}>`,
    `Subject: bench ${i}`,
    `Message-ID: <bench-${i}-${process.pid}@bench.localhost>`,
    `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 7bit',
    '',
    `Benchmark message ${i}: a short text, as an SMS would be.`,
    '.',
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

export interface LoadOptions {
  port: number;
  clients: number;
  messages: number;
  /** No login: EHLO only (a server without AUTH, such as the Postfix reference). */
  login?: { user: string; password: string };
  mailFrom: string;
  rcptTo: string;
  /** Number of the first message (keeps Message-IDs distinct between runs). */
  first?: number;
}

export interface LoadResult {
  /** From the moment every client is logged in to the last 250. */
  elapsedMs: number;
  messages: number;
  /** The 250 reply to the first message, to show what the server said. */
  sampleReply: string;
}

/**
 * C clients, each connected and logged in (or greeted with EHLO) before the clock starts, take message numbers from one shared
 * counter until N are sent. Bodies are built before the clock starts; the clock stops at the last 250.
 */
export async function smtpLoad(o: LoadOptions): Promise<LoadResult> {
  const first = o.first ?? 0;
  const bodies = Array.from({ length: o.messages }, (_, i) => mailBody(first + i, o.mailFrom, o.rcptTo));
  let sampleReply = '';
  const clients: SmtpClient[] = [];
  try {
    for (let c = 0; c < o.clients; c++) clients.push(await SmtpClient.connect(o.port));
    const login = o.login;
    await Promise.all(clients.map((c) => (login ? c.login(login.user, login.password) : c.hello())));
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      clients.map(async (c) => {
        for (let i = next++; i < o.messages; i = next++) {
          const r = await c.send(o.mailFrom, o.rcptTo, bodies[i]!);
          if (i === 0) sampleReply = r.text.trimEnd();
        }
      }),
    );
    const elapsedMs = performance.now() - t0;
    await Promise.all(clients.map((c) => c.quit()));
    return { elapsedMs, messages: o.messages, sampleReply };
  } finally {
    for (const c of clients) c.destroy();
  }
}
