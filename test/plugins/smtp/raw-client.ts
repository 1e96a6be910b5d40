// A line-level SMTP client for dialogues a real client would not hold (MAIL without AUTH, AUTH before
// STARTTLS): every reply is returned whole, code and text, so tests can read what a user would see.
import net from 'node:net';
import tls from 'node:tls';

export interface Reply {
  code: number;
  text: string;
}

export class RawSmtp {
  private buffer = '';
  private waiters: Array<() => void> = [];

  private constructor(private socket: net.Socket | tls.TLSSocket) {
    this.listen();
  }

  static async connect(port: number): Promise<{ client: RawSmtp; greeting: Reply }> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const client = new RawSmtp(socket);
    return { client, greeting: await client.reply() };
  }

  private listen() {
    this.socket.setEncoding('utf8');
    this.socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      for (const w of this.waiters.splice(0)) w();
    });
    this.socket.on('error', () => undefined);
  }

  /** Read one (possibly multi-line) reply. */
  async reply(): Promise<Reply> {
    for (;;) {
      const m = /^(?:\d{3}-[^\n]*\n)*(\d{3}) ([^\n]*)\n/.exec(this.buffer.replace(/\r/g, ''));
      if (m) {
        const whole = m[0];
        // Consume by line count, since the regex ran on a copy without CRs.
        const lines = whole.split('\n').length - 1;
        this.buffer = this.buffer.split('\n').slice(lines).join('\n');
        return { code: Number(m[1]), text: whole.trim() };
      }
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no SMTP reply; got so far: ${JSON.stringify(this.buffer)}`)), 10_000);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Send bytes without waiting for a reply (the body of DATA). */
  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  async command(line: string): Promise<Reply> {
    this.socket.write(line + '\r\n');
    return this.reply();
  }

  /** Upgrade after a 220 to STARTTLS, trusting the test certificate. */
  async startTls(): Promise<void> {
    const plain = this.socket as net.Socket;
    plain.removeAllListeners('data');
    const secure = tls.connect({ socket: plain, rejectUnauthorized: false, servername: 'localhost' });
    await new Promise<void>((resolve, reject) => secure.once('secureConnect', resolve).once('error', reject));
    this.socket = secure;
    this.listen();
  }

  static plain(user: string, password: string): string {
    return Buffer.from(`\0${user}\0${password}`).toString('base64');
  }

  close(): void {
    this.socket.destroy();
  }
}
