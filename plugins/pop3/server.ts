// The listening side: the core's front door (plain POP3 port with STLS when a certificate is loaded, an
// optional implicit-TLS POP3S port, session caps, login deadline, drain) running POP3 sessions.
import tls from 'node:tls';
import { serve, type Server } from 'nowsms';
import type { Pop3Context } from './context.ts';
import { Session } from './session.ts';

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
  maxSessionsPerIp?: number;
  /** Time to log in after connecting (default 30 s). */
  loginTimeoutSeconds?: number;
}

export class Pop3Server {
  private server: Server | undefined;
  private readonly secureContext: tls.SecureContext | undefined;

  constructor(
    private readonly ctx: Pop3Context,
    private readonly settings: ServerSettings,
  ) {
    this.secureContext = settings.certificate && tls.createSecureContext(settings.certificate);
  }

  get listening(): string[] {
    return this.server?.listening ?? [];
  }

  async listen(): Promise<string[]> {
    const s = this.settings;
    this.server = await serve({
      name: 'pop3',
      host: s.host,
      port: s.port,
      tlsPort: s.tlsPort,
      certificate: s.certificate,
      maxSessions: s.maxSessions,
      maxSessionsPerIp: s.maxSessionsPerIp ?? s.maxSessions,
      loginTimeoutSeconds: s.loginTimeoutSeconds ?? 30,
      cleartextLogins: !this.ctx.requireTLS,
      log: this.ctx.log,
      refused: () => this.ctx.counters.refused++,
      // RFC 2449 response codes: [IN-USE] would say "your maildrop is locked"; a full server is [SYS/TEMP].
      refusal: (why) =>
        why === 'busy'
          ? '-ERR [SYS/TEMP] too many sessions; try again later\r\n'
          : '-ERR [SYS/TEMP] too many connections from your address; try again later\r\n',
      session: (conn) => {
        const session = new Session(conn, this.ctx, { ...s, secureContext: this.secureContext });
        this.ctx.counters.sessions++;
        this.ctx.counters.active++;
        void session.done.then(() => this.ctx.counters.active--);
        return session;
      },
    });
    return this.listening;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.close();
  }
}
