// The listening side: a plain POP3 port (with STLS when a certificate is loaded) and an optional implicit-TLS
// POP3S port, the session limit, and an orderly stop that lets a committing QUIT finish.
import net from 'node:net';
import tls from 'node:tls';
import type { Pop3Context } from './context.ts';
import { Session } from './session.ts';
import { listenOn } from '../../core/index.ts';

export interface ServerSettings {
  host: string;
  port: number;
  /** Implicit TLS (POP3S, RFC 8314) on this port too. */
  tlsPort: number | undefined;
  /** PEM key and certificate, for STLS and tlsPort. */
  certificate: { key: Buffer; cert: Buffer } | undefined;
  idleTimeoutMs: number;
  maxBadCommands: number;
  maxSessions: number;
}

// A stop waits this long for sessions still talking to the store, then leaves them.
const STOP_GRACE_MS = 10_000;

export class Pop3Server {
  private readonly servers: net.Server[] = [];
  private readonly sessions = new Set<Session>();
  private addresses: string[] = [];
  private readonly secureContext: tls.SecureContext | undefined;

  constructor(
    private readonly ctx: Pop3Context,
    private readonly settings: ServerSettings,
  ) {
    this.secureContext = settings.certificate && tls.createSecureContext(settings.certificate);
  }

  get listening(): string[] {
    return [...this.addresses];
  }

  async listen(): Promise<string[]> {
    const plain = net.createServer((socket) => this.accept(socket, false));
    await this.bind(plain, this.settings.port);
    if (this.settings.tlsPort !== undefined) {
      if (!this.settings.certificate) throw new Error('tlsPort needs a certificate');
      const secure = tls.createServer(this.settings.certificate, (socket) => this.accept(socket, true));
      secure.on('tlsClientError', (err) => this.ctx.log.debug({ err }, 'pop3s handshake failed'));
      await this.bind(secure, this.settings.tlsPort);
    }
    return this.listening;
  }

  async close(): Promise<void> {
    const closing = this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    for (const session of this.sessions) session.shutdown();
    const sessions = Promise.all([...this.sessions].map((s) => s.done));
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_GRACE_MS)));
    await Promise.race([sessions, grace]);
    clearTimeout(timer);
    for (const session of this.sessions) session.kill();
    await Promise.all(closing);
    this.servers.length = 0;
    this.addresses = [];
  }

  private async bind(server: net.Server, port: number): Promise<void> {
    const option = port === this.settings.port ? 'port' : 'tlsPort';
    this.addresses.push(await listenOn(server, port, this.settings.host, { plugin: 'pop3', option, log: this.ctx.log }));
    this.servers.push(server);
  }

  private accept(socket: net.Socket, secure: boolean): void {
    socket.on('error', () => {});
    if (this.sessions.size >= this.settings.maxSessions) {
      this.ctx.log.warn({ ip: socket.remoteAddress, max: this.settings.maxSessions }, 'pop3 session refused: too many sessions');
      socket.end('-ERR [SYS/TEMP] too many sessions; try again later\r\n');
      setTimeout(() => socket.destroy(), 1_000).unref();
      return;
    }
    const session = new Session(socket, this.ctx, { ...this.settings, secureContext: this.secureContext }, secure);
    this.sessions.add(session);
    this.ctx.counters.sessions++;
    this.ctx.counters.active = this.sessions.size;
    void session.done.then(() => {
      this.sessions.delete(session);
      this.ctx.counters.active = this.sessions.size;
    });
  }
}
