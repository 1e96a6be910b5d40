// The HTTP side: the core's front door (ports, TLS port, session caps, login deadline, graceful stop) hands
// its sockets to a fastify server that never listens itself. Paths are case-insensitive (NowSMS's are).
// Bodies over maxRequestBytes are refused from their Content-Length before `100 Continue`, a chunked one as
// soon as it passes the limit; a URL longer than Node's header limit (16 KiB) gets 431. A request whose body
// does not arrive within requestTimeoutSeconds is cut off; once it is in, a slow commit is never cut off.
import http from 'node:http';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { HttpDoor, noRouteSchemas, type ListenSettings, type Logger, type Server } from 'nowsms';
import { HttpError, httpErrorOf } from './errors.ts';
import { charsetOf, Params, parseMultipart, parseUrlEncoded } from './params.ts';

export interface HttpSettings extends ListenSettings {
  name: string;
  maxRequestBytes: number;
  requestTimeoutMs: number;
  keepAliveMs: number;
}

/** How a route answers a refusal: NowSMS's page, Kannel's line, plain text, or the JSON API's error object. */
export type Style = 'nowsms' | 'kannel' | 'text' | 'json';

export interface Answer {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
}

export interface Exchange {
  method: string;
  path: string;
  ip: string;
  params: Params;
  /** The parsed JSON body (the JSON API). */
  json: unknown;
  headers: http.IncomingHttpHeaders;
  /** Path parameters (`:id`). */
  pathParams: Record<string, string>;
  /** The front door's login deadline no longer applies (an authenticated request on this connection). */
  loggedIn(): void;
}

export interface Route {
  methods: Array<'GET' | 'POST'>;
  path: string;
  style: Style;
  /**
   * The route reads its parameters from the request itself (Kannel's sendsms: fields decoded each in its own
   * way, and its POST form with X-Kannel-* headers); without it, a query string and a form are read here.
   */
  readParams?: (request: RawRequest) => Params;
  handle(x: Exchange): Promise<Answer>;
}

/** A request as it came: the query string undecoded, the body as octets, its Content-Type lower-cased. */
export interface RawRequest {
  method: string;
  query: string;
  body: Buffer;
  type: string;
  headers: http.IncomingHttpHeaders;
}

export function refusal(err: HttpError, style: Style, nowsmsPage: (e: HttpError) => string): Answer {
  const headers = err.headers;
  switch (style) {
    case 'nowsms':
      return { status: err.status, contentType: 'text/html; charset=utf-8', body: nowsmsPage(err), headers };
    case 'json':
      return {
        status: err.status,
        contentType: 'application/json; charset=utf-8',
        body: JSON.stringify({ error: { code: err.code, message: err.message } }),
        headers,
      };
    case 'kannel':
      // Kannel answers a failed login 403 with this line, word for word; its scripts look for it (Kannel reads
      // no Basic header). Why it failed is in the log (the fail2ban line), as for every service.
      if (err.status === 401) return { status: 403, contentType: 'text/plain; charset=utf-8', body: 'Authorization failed for sendsms' };
      return { status: err.status, contentType: 'text/plain; charset=utf-8', body: `ERROR: ${err.message}\n`, headers };
    case 'text':
      return { status: err.status, contentType: 'text/plain; charset=utf-8', body: `ERROR: ${err.message}\n`, headers };
  }
}

export async function listenHttp(
  settings: HttpSettings,
  routes: Route[],
  nowsmsPage: (e: HttpError) => string,
  log: Logger,
  refused: () => void,
): Promise<Server> {
  // Request deadlines, the stop's Connection: close, and the front door's connections (core/http-door.ts).
  const door = new HttpDoor(settings.requestTimeoutMs);
  let httpServer: http.Server | undefined;
  const app = Fastify({
    logger: false,
    bodyLimit: settings.maxRequestBytes,
    forceCloseConnections: false,
    schemaController: noRouteSchemas,
    // HEAD would run the GET handler: a link checker's HEAD of a send URL must not send an SMS.
    exposeHeadRoutes: false,
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true },
    serverFactory: (handler) => {
      httpServer = http.createServer({ keepAliveTimeout: settings.keepAliveMs }, handler);
      return httpServer;
    },
  });
  app.removeAllContentTypeParsers();
  // Every body is kept as bytes: the routes decode it in its charset (params.ts) or as JSON.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    door.request(request.raw, reply.raw);
  });
  app.addHook('onSend', async (request, reply) => {
    if (door.closing(request.raw.socket)) reply.header('connection', 'close');
  });

  const send = (reply: FastifyReply, a: Answer) =>
    reply
      .code(a.status)
      .headers({ ...(a.headers ?? {}), 'content-type': a.contentType })
      .send(a.body);

  for (const route of routes) {
    app.route({
      method: route.methods,
      url: route.path,
      handler: async (request, reply) => {
        const socket = request.raw.socket;
        const conn = door.connection(socket);
        try {
          const rawQuery = (request.raw.url ?? '').split('?').slice(1).join('?');
          const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
          const type = (request.headers['content-type'] ?? '').toLowerCase();
          const params = route.readParams
            ? route.readParams({
                method: request.method,
                query: rawQuery,
                body: request.method === 'POST' ? body : Buffer.alloc(0),
                type,
                headers: request.headers,
              })
            : parseUrlEncoded(rawQuery);
          let json: unknown;
          if (!route.readParams && request.method === 'POST' && body.length > 0) {
            if (type.startsWith('application/x-www-form-urlencoded')) params.merge(parseUrlEncoded(body.toString('latin1'), charsetOf(type)));
            else if (type.startsWith('multipart/form-data')) params.merge(parseMultipart(body, request.headers['content-type']!));
            else if (type.startsWith('application/json') && route.style === 'json') {
              try {
                json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
              } catch {
                throw new HttpError(400, 'NOWSMS_ERR_BAD_REQUEST', 'the body is not JSON (UTF-8)');
              }
            } else
              throw new HttpError(
                415,
                'NOWSMS_ERR_BAD_REQUEST',
                `a body of type ${type || '(none)'} is not read here: send ${route.style === 'json' ? 'application/json' : 'a form (application/x-www-form-urlencoded or multipart/form-data)'}`,
              );
          } else if (route.style === 'json' && request.method === 'POST') throw new HttpError(400, 'NOWSMS_ERR_BAD_REQUEST', 'the body is empty: send JSON');
          const answer = await route.handle({
            method: request.method,
            path: route.path,
            ip: conn?.ip ?? socket.remoteAddress ?? '',
            params,
            json,
            headers: request.headers,
            pathParams: (request.params ?? {}) as Record<string, string>,
            loggedIn: () => conn?.loggedIn(),
          });
          return send(reply, answer);
        } catch (err) {
          const e = httpErrorOf(err);
          if (e.status >= 500 && !(err instanceof HttpError)) log.error({ err, path: route.path }, 'http: request failed');
          if (e.status === 401 || e.status === 403 || e.status === 429) refused();
          return send(reply, refusal(e, route.style, nowsmsPage));
        }
      },
    });
  }

  const isApi = (url: string | undefined) => /^\/api\//i.test(url ?? '');
  app.setNotFoundHandler((request, reply) =>
    send(
      reply,
      refusal(
        new HttpError(
          404,
          'NOWSMS_ERR_NOT_FOUND',
          `nothing at ${request.method} ${(request.raw.url ?? '').split('?')[0]}: send with GET or POST / (or /cgi-bin/sendsms, /api/v1/messages)`,
        ),
        isApi(request.raw.url) ? 'json' : 'text',
        nowsmsPage,
      ),
    ),
  );
  app.setErrorHandler((err: { statusCode?: number; message?: string }, request, reply) => {
    const style: Style = isApi(request.raw.url) ? 'json' : 'text';
    if (err.statusCode === 413)
      return send(
        reply,
        refusal(new HttpError(413, 'NOWSMS_ERR_TOO_BIG', `request larger than ${settings.maxRequestBytes} bytes (maxRequestBytes)`), style, nowsmsPage),
      );
    if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500)
      return send(reply, refusal(new HttpError(err.statusCode, 'NOWSMS_ERR_BAD_REQUEST', err.message ?? 'bad request'), style, nowsmsPage));
    log.error({ err, url: request.url }, 'http: request failed');
    return send(reply, refusal(new HttpError(500, 'NOWSMS_ERR_INTERNAL', 'the gateway could not handle this request (see its log)'), style, nowsmsPage));
  });
  await app.ready();
  const server = httpServer!;
  server.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (Number(req.headers['content-length']) > settings.maxRequestBytes) {
      res.writeHead(413, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      res.end(`ERROR: request larger than ${settings.maxRequestBytes} bytes (maxRequestBytes)\n`);
      return;
    }
    res.writeContinue();
    server.emit('request', req, res);
  });
  // fastify's own answers in JSON; ours says what to do instead.
  server.removeAllListeners('clientError');
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    // Only what went wrong: the parser's error carries the raw request (rawPacket), passwords and all.
    log.debug({ err: { code: err.code, message: err.message } }, 'http: bad HTTP from client');
    if (!socket.writable) return socket.destroy();
    if (err.code === 'HPE_HEADER_OVERFLOW') {
      const body = 'ERROR: the URL (or a header) is too long: POST long texts as a form (application/x-www-form-urlencoded)\n';
      socket.end(
        `HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    } else socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });

  return door.listen(server, { ...settings, cleartextLogins: true }, log, refused, () => app.close());
}
