// The sockets: a plain listener (with STARTTLS when there is a certificate) and, if asked, an implicit-TLS
// one. Both run the same session handlers.
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { NowsmsError, type Logger } from '../../core/index.ts';

export interface ListenerSpec {
  port: number;
  host: string;
  secure: boolean;
  /** The option that set the port, for the error when it is taken. */
  option: string;
}

export interface Listener {
  server: SMTPServer;
  address: string;
}

export function listen(spec: ListenerSpec, options: SMTPServerOptions, log: Logger): Promise<Listener> {
  const server = new SMTPServer({ ...options, secure: spec.secure });
  return new Promise((resolve, reject) => {
    let listening = false;
    // Before listening, an error is a port that cannot be had; after, it is one client's reset or failed
    // TLS handshake, and one bad client must not stop the server.
    server.on('error', (e: NodeJS.ErrnoException) => {
      if (listening) return log.debug({ err: e }, 'smtp: connection error');
      reject(
        new NowsmsError(
          'NOWSMS_ERR_CONFIG',
          `smtp: cannot listen on ${spec.host}:${spec.port} (${e.code ?? e.message}): choose another plugins.smtp.${spec.option}`,
          { cause: e },
        ),
      );
    });
    server.listen(spec.port, spec.host, () => {
      listening = true;
      const a = server.server.address();
      const port = a && typeof a === 'object' ? a.port : spec.port;
      resolve({ server, address: `${spec.host}:${port}` });
    });
  });
}

/**
 * Stop taking connections, let the mails being stored get their answer (a mail the store committed must
 * not go without its 250), then tell the sessions still open 421 and close them.
 */
export function close(listener: Listener, drain: () => Promise<void>): Promise<void> {
  const { server } = listener;
  return new Promise((resolve) => {
    server.close(() => resolve());
    void drain().then(() => {
      for (const connection of server.connections) {
        connection.send(421, '4.3.2 the gateway is shutting down, try again later');
        connection.close();
      }
    });
  });
}
