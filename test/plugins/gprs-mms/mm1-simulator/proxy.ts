// A WAP 2.0 proxy as the phone's MMS settings name it: a plain HTTP/1.1 forward proxy (RFC 9110 §7.1,
// RFC 9112 §3.2.2: requests carry the absolute URI) that forwards to the origin, adds a Via header as a
// proxy must, logs every request, and refuses on demand. Node's http only.
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type net from 'node:net';

export interface ProxyRequest {
  method: string;
  /** The request target as the client sent it: an absolute URI for a proxy request. */
  url: string;
  /** The target was an absolute http:// URI (what a WAP 2.0 proxy takes). */
  absolute: boolean;
  headers: http.IncomingHttpHeaders;
  /** The address the request came from (the phone's data link address). */
  remoteAddress: string;
  /** What the proxy did: the origin's status, its own 4xx/5xx, or 'closed'. */
  outcome?: number | 'closed';
  at: Date;
}

export type ProxyRefusal = 502 | 503 | 'close';

export interface HttpProxyOptions {
  /** Refuse every request (503 by default; see `refuseWith`). */
  refuse?: boolean;
  refuseWith?: ProxyRefusal;
}

/** HTTP/1.1 hop-by-hop headers (RFC 9110 §7.6.1): not forwarded. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

export class HttpProxy extends EventEmitter {
  readonly log: ProxyRequest[] = [];
  port = 0;
  refuse: boolean;
  refuseWith: ProxyRefusal;
  private readonly server: http.Server;
  private readonly sockets = new Set<net.Socket>();

  private constructor(options: HttpProxyOptions) {
    super();
    this.refuse = options.refuse ?? false;
    this.refuseWith = options.refuseWith ?? 503;
    this.server = http.createServer((req, res) => this.onRequest(req, res));
    this.server.on('connection', (s: net.Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  static async start(options: HttpProxyOptions = {}, port = 0): Promise<HttpProxy> {
    const proxy = new HttpProxy(options);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(port, '127.0.0.1', () => resolve());
    });
    proxy.port = (proxy.server.address() as net.AddressInfo).port;
    return proxy;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** `127.0.0.1:port`, the form of NOWSMS_MMS_PROXY. */
  get hostPort(): string {
    return `127.0.0.1:${this.port}`;
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = req.url ?? '';
    const entry: ProxyRequest = {
      method: req.method ?? '',
      url,
      absolute: /^http:\/\//i.test(url),
      headers: req.headers,
      remoteAddress: req.socket.remoteAddress ?? '',
      at: new Date(),
    };
    this.log.push(entry);
    const done = (outcome: ProxyRequest['outcome']) => {
      entry.outcome = outcome;
      this.emit('request', entry);
    };
    req.on('error', () => {});
    if (this.refuse) {
      if (this.refuseWith === 'close') {
        req.socket.destroy();
        return done('closed');
      }
      res.writeHead(this.refuseWith, { 'content-type': 'text/plain', connection: 'close' }).end('proxy refuses\n');
      return done(this.refuseWith);
    }
    if (!entry.absolute) {
      // A request for the proxy itself, not one to forward.
      res.writeHead(400, { 'content-type': 'text/plain' }).end('a proxy request carries an absolute http:// URI\n');
      return done(400);
    }
    const target = new URL(url);
    const headers: http.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) headers[k] = v;
    headers.host = target.host;
    headers.via = [req.headers.via, `1.1 nowsms-test-proxy`].filter(Boolean).join(', ');
    const upstream = http.request({ host: target.hostname, port: target.port || 80, method: req.method, path: target.pathname + target.search, headers });
    upstream.on('response', (ur) => {
      const back: http.OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(ur.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) back[k] = v;
      res.writeHead(ur.statusCode ?? 502, back);
      ur.pipe(res);
      // The origin cut its answer short (a truncated body): the client must see the cut too, not a clean end.
      ur.on('close', () => {
        if (!ur.complete) res.destroy();
      });
      ur.on('error', () => res.destroy());
      done(ur.statusCode ?? 502);
    });
    upstream.on('error', () => {
      if (res.headersSent) return void res.destroy();
      // The origin closed or refused the connection without an answer.
      res.writeHead(502, { 'content-type': 'text/plain' }).end('bad gateway: the origin closed the connection\n');
      done(502);
    });
    // The client went away before the answer was whole (a phone killed, a timeout): so does the request upstream.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }
}
