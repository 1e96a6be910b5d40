// The sockets come from the core's front door (plain port with STARTTLS when there is a certificate, an
// optional implicit-TLS port, session caps, login deadline); smtp-server speaks SMTP on each one it is
// handed (`SMTPServer.connect`). Two SMTPServer objects that never listen themselves: one for the plain
// port, one marked secure for the implicit-TLS port, both with the same handlers.
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { serve, type ListenSettings, type Logger, type Server, type ServerConnection, type ServerSession } from 'nowsms';

export interface SmtpListenSettings extends ListenSettings {
  requireTLS: boolean;
}

type SmtpConnection = SMTPServer['connections'] extends Set<infer C> ? C : never;

export interface Listener {
  server: Server;
  /** The front door's view of an SMTP session, by smtp-server's session id: onAuth reports logins through it. */
  connectionOf(sessionId: string): ServerConnection | undefined;
}

const SHUTTING_DOWN = '4.3.2 the gateway is shutting down, try again later';

/**
 * Sessions that stop: the mails being stored get their answer first (a mail the store committed must not
 * go without its 250), then the session gets 421 and is closed.
 */
export async function listen(
  settings: SmtpListenSettings,
  options: SMTPServerOptions,
  log: Logger,
  drain: () => Promise<void>,
  refused: () => void,
): Promise<Listener> {
  const plain = new SMTPServer({ ...options, secure: false });
  const implicit = new SMTPServer({ ...options, secure: true });
  for (const s of [plain, implicit]) s.on('error', (e) => log.debug({ err: e }, 'smtp: connection error'));
  const byId = new Map<string, ServerConnection>();

  const server = await serve({
    name: 'smtp',
    host: settings.host,
    port: settings.port,
    tlsPort: settings.tlsPort,
    certificate: settings.certificate,
    maxSessions: settings.maxSessions,
    maxSessionsPerIp: settings.maxSessionsPerIp,
    loginTimeoutSeconds: settings.loginTimeoutSeconds,
    cleartextLogins: !settings.requireTLS,
    log,
    refused,
    refusal: (why) =>
      why === 'busy' ? '421 4.3.2 too many connections, try again later\r\n' : '421 4.7.0 too many connections from your address, try again later\r\n',
    session: (conn) => {
      const smtp = conn.secure ? implicit : plain;
      smtp.connect(conn.socket, {});
      let connection: SmtpConnection | undefined;
      for (const c of smtp.connections) connection = c; // the newest: the one just made
      const c = connection!;
      byId.set(c.id, conn);
      const done = new Promise<void>((resolve) => conn.socket.once('close', () => resolve()));
      void done.then(() => byId.delete(c.id));
      const session: ServerSession = {
        done,
        shutdown: () =>
          void drain().then(() => {
            c.send(421, SHUTTING_DOWN);
            c.close();
          }),
        loginTimeout: () => c.send(421, '4.4.2 no login in time, closing the connection'),
      };
      return session;
    },
  });
  return { server, connectionOf: (id) => byId.get(id) };
}
