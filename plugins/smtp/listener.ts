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
 * The greeting at once. smtp-server waits a fixed 100 ms before every greeting (no option sets it) and
 * answers a client that speaks before it with `421 You talk too soon`: an MX server's trap for spam bots
 * that do not wait for the 220 (postscreen's greet pause, shortened). It protects nothing here: this
 * server takes no mail from the Internet, only from users who log in, and the front door already caps
 * sessions per address and closes those that do not log in in time. The 100 ms was the floor of every
 * connection's latency (clients such as msmtp, swaks and scripts connect once per mail), so the greeting
 * is started when smtp-server has set the connection up, and the library's own later start (its timer,
 * which cannot be cleared from here) finds nothing left to do.
 */
function greetNow(c: SmtpConnection): void {
  const conn = c as unknown as { connectionReady?: () => void; needsUpgrade?: boolean };
  const ready = conn.connectionReady;
  // Another smtp-server release without this method keeps its own timer: slower, still correct. (The
  // sockets come from the front door with TLS done, so smtp-server never upgrades one before its greeting.)
  if (typeof ready !== 'function' || conn.needsUpgrade) return;
  conn.connectionReady = () => undefined;
  ready.call(c);
}

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
  // smtp-server's default onSecure answers a turn of the event loop later, and a client's first command
  // in that turn would get `421 You talk too soon` (see greetNow).
  const implicit = new SMTPServer({ onSecure: (_socket, _session, done) => done(), ...options, secure: true });
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
      greetNow(c);
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
