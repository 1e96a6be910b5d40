// The HTTP side: the core's front door (ports, TLS port, session caps, login deadline, graceful stop) hands
// its sockets to a fastify server that never listens itself. Everything is refused as early as it can be:
// an oversized body from its Content-Length before `100 Continue` (so the client never sends it), path,
// method and credentials from the request line and headers (before a byte of the body is kept), a chunked
// body as soon as it passes the limit. What a refused client still sends is read and dropped, never kept:
// closing on unread data would reset the connection and the client could lose our answer. The request's
// deadline bounds that too.
import http from 'node:http';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { HttpDoor, noRouteSchemas, type ListenSettings, type Logger, type Server } from 'nowsms';
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
  // Request deadlines, the stop's Connection: close, and the front door's connections (core/http-door.ts).
  const door = new HttpDoor(settings.requestTimeoutMs);
  let httpServer: http.Server | undefined;
  const app = Fastify({
    logger: false,
    bodyLimit: settings.maxRequestBytes,
    // The front door counts and closes connections; fastify must not wait for them itself.
    forceCloseConnections: false,
    schemaController: noRouteSchemas,
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
    const conn = door.connection(socket);
    door.request(request.raw, reply.raw);
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
    if (door.closing(request.raw.socket)) reply.header('connection', 'close');
  });

  app.post(settings.path, async (request, reply) => {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const socket = request.raw.socket;
    const { statusCode, response } = await gate.handle(
      request.mm7Account!,
      { contentType: request.headers['content-type'] ?? '', body },
      door.connection(socket)?.ip ?? '',
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
    // Only what went wrong: the parser's error carries the raw request (rawPacket), passwords and all.
    log.debug({ err: { code: (err as NodeJS.ErrnoException).code, message: err.message } }, 'mm7: bad HTTP from client');
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  return door.listen(server, settings, log, refused, () => app.close());
}

function basic(header: string | undefined): { name: string; password: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? undefined : { name: text.slice(0, colon), password: text.slice(colon + 1) };
}
