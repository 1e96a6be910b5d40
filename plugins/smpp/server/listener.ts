// The listening side: the core's front door (plain port, optional TLS port, session caps, bind deadline)
// running SMPP sessions, and a stop that unbinds every client before closing.
import { serve, type ListenSettings, type Server } from 'nowsms';
import type { ServerContext } from './context.ts';
import { Session, type SessionEvents, type SessionSettings } from './session.ts';

export class SmppListener {
  private server: Server | undefined;

  constructor(
    private readonly ctx: ServerContext,
    private readonly settings: ListenSettings,
    private readonly session: SessionSettings,
    private readonly events: SessionEvents,
  ) {}

  get listening(): string[] {
    return this.server?.listening ?? [];
  }

  async listen(): Promise<void> {
    this.server = await serve({
      ...this.settings,
      name: 'smpp-server',
      // SMPP has no STARTTLS: the plain port always takes passwords in clear.
      cleartextLogins: true,
      log: this.ctx.log,
      refused: () => this.ctx.counters.refused++,
      // SMPP has no greeting to refuse in: a refused client is closed before it can bind.
      refusal: () => undefined,
      // Unbinding a bound client can take a second; a stop waits for all of them together.
      stopGraceMs: 5_000,
      session: (conn) => {
        const session = new Session(conn.socket, this.session, {
          ...this.events,
          bound: () => conn.loggedIn(),
          closed: (s) => {
            this.ctx.counters.active--;
            this.events.closed(s);
          },
        });
        this.ctx.counters.sessions++;
        this.ctx.counters.active++;
        return { done: session.done, shutdown: () => void session.close(), loginTimeout: () => session.destroy() };
      },
    });
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.close();
  }
}
