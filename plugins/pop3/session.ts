// One client connection: reads command lines, runs them strictly one after another (so pipelined commands
// are answered in order), enforces the idle timer and the bad-command limit, and performs the STLS switch.
import type { Socket } from 'node:net';
import tls from 'node:tls';
import type { ServerConnection, ServerSession } from 'nowsms';
import type { Pop3Context } from './context.ts';
import { LineReader, type Line } from './lines.ts';
import { Protocol, type SessionIo } from './protocol.ts';

export interface SessionSettings {
  idleTimeoutMs: number;
  maxBadCommands: number;
  secureContext: tls.SecureContext | undefined;
}

// Past this many unanswered lines the socket is paused, so a client cannot queue unbounded work.
const HIGH_WATER = 64;
const LOW_WATER = 8;
// After our FIN, a client that never closes its side is cut off.
const LINGER_MS = 5_000;

export class Session implements SessionIo, ServerSession {
  readonly remoteAddress: string;
  secure: boolean;
  /** Resolves once the connection is closed and no command is running any more. */
  readonly done: Promise<void>;
  private socket: Socket;
  private readonly reader = new LineReader();
  private readonly queue: Line[] = [];
  private readonly protocol: Protocol;
  private readonly idle: NodeJS.Timeout;
  private busy = false;
  private ending = false;
  private closed = false;
  private finished = false;
  private badCommands = 0;
  private resolveDone!: () => void;

  constructor(
    private readonly conn: ServerConnection,
    private readonly ctx: Pop3Context,
    private readonly settings: SessionSettings,
  ) {
    const socket = conn.socket;
    this.socket = socket;
    this.secure = conn.secure;
    this.remoteAddress = conn.ip;
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    this.protocol = new Protocol(ctx, this);
    this.idle = setTimeout(() => this.onIdle(), settings.idleTimeoutMs);
    this.attach(socket);
    this.write(this.protocol.greeting() + '\r\n');
  }

  /** Gateway stopping: drop the connection (nothing is deleted) unless QUIT is already committing deletions. */
  shutdown(): void {
    if (this.protocol.state !== 'update' || this.ending) this.socket.destroy();
  }

  kill(): void {
    this.socket.destroy();
  }

  /** The front door's login deadline passed. */
  loginTimeout(): void {
    if (this.closed || this.protocol.state !== 'authorization') return;
    this.write('-ERR autologout: no login in time\r\n');
    this.end();
  }

  loggedIn(): void {
    this.conn.loggedIn();
  }

  async reply(line: string, body?: Buffer): Promise<void> {
    const bytes = body ? Buffer.concat([Buffer.from(line + '\r\n'), body]) : line + '\r\n';
    if (!this.write(bytes)) await this.drained();
  }

  async fail(line: string): Promise<void> {
    this.badCommands++;
    if (this.badCommands < this.settings.maxBadCommands) return this.reply(line);
    this.ctx.log.warn({ ip: this.remoteAddress, badCommands: this.badCommands }, 'pop3 session ended: too many bad commands');
    await this.reply('-ERR too many bad commands; closing the connection');
    this.end();
  }

  startTls(line: string): void {
    const plain = this.socket;
    // Answer and switch in one go: the client's handshake may follow the answer at once, and must not be read as a command.
    plain.removeListener('data', this.onData);
    this.write(line + '\r\n');
    // RFC 2595 section 4 (and CVE-2011-0411): commands pipelined after STLS in plaintext must never run.
    this.reader.reset();
    this.queue.length = 0;
    // The TLS layer reads through the same handle; a paused socket would starve the handshake.
    plain.resume();
    const secured = new tls.TLSSocket(plain, { isServer: true, secureContext: this.settings.secureContext });
    this.socket = secured;
    this.secure = true;
    this.attach(secured);
  }

  end(): void {
    if (this.ending) return;
    this.ending = true;
    this.queue.length = 0;
    this.socket.end();
    setTimeout(() => this.socket.destroy(), LINGER_MS).unref();
  }

  private attach(socket: Socket): void {
    socket.on('data', this.onData);
    socket.on('close', this.onClose);
    socket.on('error', this.onError);
  }

  private readonly onData = (chunk: Buffer): void => {
    this.idle.refresh();
    if (this.ending) return;
    this.queue.push(...this.reader.push(chunk));
    if (this.queue.length > HIGH_WATER) this.socket.pause();
    void this.pump();
  };

  private readonly onClose = (): void => {
    this.closed = true;
    this.queue.length = 0;
    this.finish();
  };

  private readonly onError = (err: Error): void => {
    this.ctx.log.debug({ err, ip: this.remoteAddress }, 'pop3 connection error');
  };

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      let item: Line | undefined;
      while (!this.ending && !this.closed && (item = this.queue.shift())) {
        if (this.socket.isPaused() && this.queue.length < LOW_WATER) this.socket.resume();
        if (item.kind === 'too-long') await this.fail('-ERR line too long (at most 255 octets)');
        else await this.protocol.handle(item.text);
        this.idle.refresh();
      }
    } catch (err) {
      this.ctx.log.error({ err, ip: this.remoteAddress }, 'pop3 session failed');
      this.socket.destroy();
    } finally {
      this.busy = false;
      this.finish();
    }
  }

  private onIdle(): void {
    if (this.closed) return;
    if (this.busy) {
      this.idle.refresh();
      return;
    }
    // RFC 1939 section 3: the autologout timer ends the session without entering the UPDATE state.
    this.write('-ERR autologout: idle for too long\r\n');
    this.end();
  }

  private finish(): void {
    if (!this.closed || this.busy || this.finished) return;
    this.finished = true;
    clearTimeout(this.idle);
    this.protocol.release();
    this.resolveDone();
  }

  private write(data: string | Buffer): boolean {
    if (this.closed || this.socket.destroyed || this.socket.writableEnded) return true;
    return this.socket.write(data);
  }

  private drained(): Promise<void> {
    const socket = this.socket;
    return new Promise((resolve) => {
      const done = () => {
        socket.off('drain', done);
        socket.off('close', done);
        resolve();
      };
      socket.on('drain', done);
      socket.on('close', done);
    });
  }
}
