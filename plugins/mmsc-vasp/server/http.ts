// The HTTP side: the core's front door (ports, TLS port, session caps, login deadline, graceful stop) hands
// its sockets to a fastify server that never listens itself. Everything is refused as early as it can be:
// an oversized body from its Content-Length before `100 Continue` (so the client never sends it), path,
// method and credentials from the request line and headers (before a byte of the body is kept), a chunked
// body as soon as it passes the limit. What a refused client still sends is read and dropped, never kept:
// closing on unread data would reset the connection and the client could lose our answer. The request's
// deadline bounds that too.
import http from 'node:http';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { serve, type ListenSettings, type Logger, type Server, type ServerConnection, type ServerSession } from '../../../core/index.ts';
import type { Mm7Http } from '../mm7/types.ts';
import type { Mm7Account } from './accounts.ts';

export interface Mm7HttpSettings extends ListenSettings {
  name: string;
  path: string;
  maxRequestBytes: number;
  requestTimeoutMs: number;
  keepAliveMs: number;
  /** A password can cross the plain port unencrypted (always, for HTTP Basic without TLS). */
  cleartextLogins: boolean;
}

export type LoginOutcome = { account: Mm7Account } | { refuse: 401 | 403 | 429; message: string };

export interface Mm7Gate {
  /** Basic credentials (undefined: none given) from this address: the account, or how to refuse. */
  login(credentials: { name: string; password: string } | undefined, ip: string): Promise<LoginOutcome>;
  /** One authenticated MM7 request: the answer, committed first where it says so. */
  handle(account: Mm7Account, request: Mm7Http, ip: string): Promise<{ statusCode: number; response: Mm7Http }>;
  /** A refused or failed request, for the counters. */
  refused(status: number): void;
}

export const REALM = 'Basic realm="nowsms MM7"';

declare module 'fastify' {
  interface FastifyRequest {
    mm7Account?: Mm7Account;
  }
}

export async function listenMm7(settings: Mm7HttpSettings, gate: Mm7Gate, log: Logger, refused: () => void): Promise<Server> {
  const conns = new WeakMap<object, ServerConnection>();
  const inFlight = new WeakMap<object, number>();
  const closing = new WeakSet<object>();
  /** Between requests of a logged-in connection: the next request's headers must come within the request deadline. */
  const between = new WeakMap<object, NodeJS.Timeout>();
  let httpServer: http.Server | undefined;
  const app = Fastify({
    logger: false,
    bodyLimit: settings.maxRequestBytes,
    // The front door counts and closes connections; fastify must not wait for them itself.
    forceCloseConnections: false,
    serverFactory: (handler) => {
      httpServer = http.createServer({ keepAliveTimeout: settings.keepAliveMs }, handler);
      return httpServer;
    },
  });
  app.removeAllContentTypeParsers();
  // Any type (and none): the codec reads the body and says what is wrong with it.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const refuse = (reply: FastifyReply, status: number, message: string, headers: Record<string, string> = {}) => {
    gate.refused(status);
    return reply
      .code(status)
      .headers({ ...headers, 'content-type': 'text/plain; charset=utf-8' })
      .send(`${message}\n`);
  };

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const socket = request.raw.socket;
    const conn = conns.get(socket);
    clearTimeout(between.get(socket));
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    // A client that sends its request (answered or refused) slower than this holds a slot for nothing: cut it
    // off. Once the body is in, the time is ours: a slow commit is never cut off.
    const timer = setTimeout(() => socket.destroy(), settings.requestTimeoutMs);
    if (request.raw.complete) clearTimeout(timer);
    else request.raw.once('end', () => clearTimeout(timer));
    let open = 2;
    const settled = () => {
      if (--open > 0) return;
      clearTimeout(timer);
      const n = (inFlight.get(socket) ?? 1) - 1;
      inFlight.set(socket, n);
      if (n === 0 && closing.has(socket)) socket.end();
      // The idle keep-alive timer restarts with every byte: a client trickling the next request's headers
      // would hold the connection for ever without this.
      else if (n === 0) between.set(socket, setTimeout(() => socket.destroy(), settings.requestTimeoutMs).unref());
    };
    reply.raw.once('close', settled);
    if (request.raw.complete) settled();
    else request.raw.once('close', settled);
    const path = request.raw.url?.split('?')[0];
    if (path !== settings.path) return refuse(reply, 404, `no MM7 endpoint here: post to ${settings.path}`);
    if (request.method !== 'POST') return refuse(reply, 405, 'MM7 requests are POSTed', { allow: 'POST' });
    const outcome = await gate.login(basic(request.headers.authorization), conn?.ip ?? socket.remoteAddress ?? '');
    if ('refuse' in outcome) return refuse(reply, outcome.refuse, outcome.message, outcome.refuse === 401 ? { 'www-authenticate': REALM } : {});
    request.mm7Account = outcome.account;
    // Logged in: the front door's login deadline no longer applies to this keep-alive connection.
    conn?.loggedIn();
  });

  // The gateway is stopping: the answer goes, then the connection closes (the client must not send more).
  app.addHook('onSend', async (request, reply) => {
    if (closing.has(request.raw.socket)) reply.header('connection', 'close');
  });

  app.post(settings.path, async (request, reply) => {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const socket = request.raw.socket;
    const { statusCode, response } = await gate.handle(
      request.mm7Account!,
      { contentType: request.headers['content-type'] ?? '', body },
      conns.get(socket)?.ip ?? '',
    );
    return reply.code(statusCode).header('content-type', response.contentType).send(response.body);
  });

  app.setNotFoundHandler((_request, reply) => refuse(reply, 404, `no MM7 endpoint here: post to ${settings.path}`));
  app.setErrorHandler((err: { statusCode?: number; message?: string }, request, reply) => {
    if (err.statusCode === 413) return refuse(reply, 413, `request larger than ${settings.maxRequestBytes} bytes (maxRequestBytes)`);
    if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) return refuse(reply, err.statusCode, err.message ?? 'bad request');
    log.error({ err, url: request.url }, 'mm7: request failed');
    return refuse(reply, 500, 'the gateway could not handle this request');
  });
  await app.ready();
  const server = httpServer!;
  // `Expect: 100-continue` (curl asks it for big bodies): a body we would refuse is never sent at all.
  server.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (Number(req.headers['content-length']) > settings.maxRequestBytes) {
      gate.refused(413);
      res.writeHead(413, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      res.end(`request larger than ${settings.maxRequestBytes} bytes (maxRequestBytes)\n`);
      return;
    }
    res.writeContinue();
    server.emit('request', req, res);
  });
  server.on('clientError', (err, socket) => {
    log.debug({ err }, 'mm7: bad HTTP from client');
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

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
      conns.set(socket, conn);
      const done = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      server.emit('connection', socket);
      const session: ServerSession = {
        done,
        // A request being handled gets its answer (with Connection: close); an idle connection closes now.
        shutdown: () => {
          closing.add(socket);
          if ((inFlight.get(socket) ?? 0) === 0) socket.end();
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
      await app.close();
    },
  };
}

function basic(header: string | undefined): { name: string; password: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? undefined : { name: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** A whole HTTP response written on a socket the front door refuses (fastify never sees it). */
function plainResponse(status: number, text: string): string {
  const body = `${text}\n`;
  return `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nRetry-After: 5\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}
