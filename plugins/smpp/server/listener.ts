// The listening side: a plain port and an optional TLS port, the session limit, and a stop that unbinds
// every client before closing.
import net from 'node:net';
import tls from 'node:tls';
import type { ServerContext } from './context.ts';
import { Session, type SessionEvents, type SessionSettings } from './session.ts';
import { listenOn } from '../../../core/index.ts';

export interface ListenSettings {
  host: string;
  port: number;
  tlsPort: number | undefined;
  certificate: { key: Buffer; cert: Buffer } | undefined;
  maxSessions: number;
}

export class SmppListener {
  private readonly servers: net.Server[] = [];
  private readonly sessions = new Set<Session>();
  private addresses: string[] = [];

  constructor(
    private readonly ctx: ServerContext,
    private readonly settings: ListenSettings,
    private readonly session: SessionSettings,
    private readonly events: SessionEvents,
  ) {}

  get listening(): string[] {
    return [...this.addresses];
  }

  async listen(): Promise<void> {
    await this.bind(
      net.createServer((socket) => this.accept(socket)),
      this.settings.port,
    );
    if (this.settings.tlsPort !== undefined) {
      if (!this.settings.certificate) throw new Error('tlsPort needs a certificate');
      const secure = tls.createServer(this.settings.certificate, (socket) => this.accept(socket));
      secure.on('tlsClientError', (err) => this.ctx.log.debug({ err }, 'smpp tls handshake failed'));
      await this.bind(secure, this.settings.tlsPort);
    }
  }

  async close(): Promise<void> {
    const closing = this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    await Promise.all([...this.sessions].map((s) => s.close()));
    await Promise.all(closing);
    this.servers.length = 0;
    this.addresses = [];
  }

  private async bind(server: net.Server, port: number): Promise<void> {
    const option = port === this.settings.port ? 'port' : 'tlsPort';
    this.addresses.push(await listenOn(server, port, this.settings.host, { plugin: 'smpp-server', option, log: this.ctx.log }));
    this.servers.push(server);
  }

  private accept(socket: net.Socket): void {
    socket.on('error', () => {});
    if (this.sessions.size >= this.settings.maxSessions) {
      this.ctx.log.warn({ ip: socket.remoteAddress, max: this.settings.maxSessions }, 'smpp connection refused: too many sessions');
      socket.destroy();
      return;
    }
    const session = new Session(socket, this.session, {
      ...this.events,
      closed: (s) => {
        this.sessions.delete(s);
        this.ctx.counters.active = this.sessions.size;
        this.events.closed(s);
      },
    });
    this.sessions.add(session);
    this.ctx.counters.sessions++;
    this.ctx.counters.active = this.sessions.size;
  }
}
