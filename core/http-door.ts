// An HTTP server (node:http, or a framework's server that never listens itself) behind the front door
// (serve.ts): the door takes and caps connections, then hands each socket to the HTTP server. What both
// HTTP plug-ins (the MM7 endpoint, the HTTP interface) need around that, in one place:
// - a request must arrive within `requestTimeoutMs`, and so must the next one's headers on a kept-alive
//   connection (its idle timer restarts with every byte, so a trickling client would hold a slot for ever);
//   once a body is in, the time is ours: a slow commit is never cut off;
// - at stop, a request being handled gets its answer (call `closing` to add `Connection: close`), an idle
//   connection closes now;
// - a refused connection gets a whole plain-text HTTP answer, which the HTTP server never sees.
import http from 'node:http';
import type { Logger } from './log.ts';
import { serve, type ListenSettings, type RefusalReason, type Server, type ServerConnection, type ServerSession } from './serve.ts';

const noSchema = (): never => {
  throw new Error('this server declares no route schemas');
};

/**
 * Fastify's `schemaController` option for a server whose routes declare no fastify schema (they read their
 * own input): compilers that refuse one, so fastify does not load Ajv and fast-json-stringify when it is
 * created, which was about 70 ms of a gateway's start.
 */
export const noRouteSchemas = { compilersFactory: { buildValidator: () => noSchema, buildSerializer: () => noSchema } };

export class HttpDoor {
  private readonly conns = new WeakMap<object, ServerConnection>();
  private readonly inFlight = new WeakMap<object, number>();
  private readonly closingSockets = new WeakSet<object>();
  private readonly between = new WeakMap<object, NodeJS.Timeout>();

  constructor(private readonly requestTimeoutMs: number) {}

  /** The front door's view of a request's connection (its address, its login deadline). */
  connection(socket: object): ServerConnection | undefined {
    return this.conns.get(socket);
  }

  /** The gateway is stopping: the answer on this socket should say `Connection: close`. */
  closing(socket: object): boolean {
    return this.closingSockets.has(socket);
  }

  /** Call when a request starts (a framework's onRequest hook): its deadline and the connection's count. */
  request(req: http.IncomingMessage, res: http.ServerResponse): void {
    const socket = req.socket;
    clearTimeout(this.between.get(socket));
    this.inFlight.set(socket, (this.inFlight.get(socket) ?? 0) + 1);
    const timer = setTimeout(() => socket.destroy(), this.requestTimeoutMs);
    if (req.complete) clearTimeout(timer);
    else req.once('end', () => clearTimeout(timer));
    let open = 2;
    const settled = () => {
      if (--open > 0) return;
      clearTimeout(timer);
      const n = (this.inFlight.get(socket) ?? 1) - 1;
      this.inFlight.set(socket, n);
      if (n === 0 && this.closingSockets.has(socket)) socket.end();
      else if (n === 0) this.between.set(socket, setTimeout(() => socket.destroy(), this.requestTimeoutMs).unref());
    };
    res.once('close', settled);
    if (req.complete) settled();
    else req.once('close', settled);
  }

  /** Listen through the front door; `close` stops the door, then `onClose` (the framework). */
  async listen(
    server: http.Server,
    settings: ListenSettings & { name: string; cleartextLogins: boolean },
    log: Logger,
    refused: (why: RefusalReason) => void,
    onClose: () => Promise<void>,
  ): Promise<Server> {
    const door = await serve({
      name: settings.name,
      host: settings.host,
      port: settings.port,
      tlsPort: settings.tlsPort,
      certificate: settings.certificate,
      maxSessions: settings.maxSessions,
      maxSessionsPerIp: settings.maxSessionsPerIp,
      loginTimeoutSeconds: settings.loginTimeoutSeconds,
      cleartextLogins: settings.cleartextLogins,
      log,
      refused,
      refusal: (why) => plainResponse(503, why === 'busy' ? 'too many sessions, try again later' : 'too many connections from your address, try again later'),
      session: (conn) => {
        const { socket } = conn;
        this.conns.set(socket, conn);
        const done = new Promise<void>((resolve) => socket.once('close', () => resolve()));
        server.emit('connection', socket);
        const session: ServerSession = {
          done,
          shutdown: () => {
            this.closingSockets.add(socket);
            if ((this.inFlight.get(socket) ?? 0) === 0) socket.end();
          },
          loginTimeout: () => socket.destroy(),
        };
        return session;
      },
    });
    return {
      get listening() {
        return door.listening;
      },
      get active() {
        return door.active;
      },
      close: async () => {
        await door.close();
        await onClose();
      },
    };
  }
}

/** A whole HTTP response written on a socket the front door refuses (the HTTP server never sees it). */
function plainResponse(status: number, text: string): string {
  const body = `${text}\n`;
  return `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nRetry-After: 5\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}
