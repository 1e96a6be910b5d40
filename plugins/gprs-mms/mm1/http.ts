// One MM1 HTTP request as a handset makes it: through the operator's WAP proxy (an HTTP proxy: the absolute
// URI in the request line for http:, a CONNECT tunnel for https:), from the data link's local address, with
// a handset's headers, a deadline and a size limit. The answer is read whole; a body cut short (fewer octets
// than its Content-Length, or a chunked body without its end) is an error, never a PDU.
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import tls from 'node:tls';

export const MMS_CONTENT_TYPE = 'application/vnd.wap.mms-message';

export interface Mm1HttpOptions {
  proxy?: { host: string; port: number };
  /** The local address to connect from (resolved from the interface by the caller). */
  localAddress?: string;
  userAgent: string;
  uaProfile: string;
  timeoutMs: number;
  /** Answers with a larger body are refused (Mm1HttpError kind 'too-big'). */
  maxBytes: number;
}

export interface Mm1Answer {
  status: number;
  contentType: string;
  body: Buffer;
}

/** Why no answer came: the proxy or MMSC could not be reached, took too long, cut the body, sent too much. */
export class Mm1HttpError extends Error {
  constructor(
    readonly kind: 'unreachable' | 'timeout' | 'truncated' | 'too-big' | 'aborted',
    message: string,
  ) {
    super(message);
    this.name = 'Mm1HttpError';
  }
}

export function mm1Request(opts: Mm1HttpOptions, req: { method: 'GET' | 'POST'; url: URL; body?: Buffer }, signal: AbortSignal): Promise<Mm1Answer> {
  const headers: Record<string, string> = {
    'User-Agent': opts.userAgent,
    Accept: `*/*, ${MMS_CONTENT_TYPE}, application/vnd.wap.sic`,
    'Accept-Language': 'en-US, en',
  };
  if (opts.uaProfile) headers['x-wap-profile'] = opts.uaProfile;
  // An abort signal fires once: a request begun after it (the gateway stopping) would otherwise run to its timeout.
  if (signal.aborted) return Promise.reject(new Mm1HttpError('aborted', 'the gateway is stopping'));
  if (req.body) {
    headers['Content-Type'] = MMS_CONTENT_TYPE;
    headers['Content-Length'] = String(req.body.length);
  }
  return new Promise<Mm1Answer>((resolve, reject) => {
    let done = false;
    const finish = (err: Error | undefined, answer?: Mm1Answer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (err) {
        request?.destroy();
        reject(err);
      } else resolve(answer!);
    };
    const where = opts.proxy ? `the WAP proxy ${opts.proxy.host}:${opts.proxy.port}` : req.url.host;
    const timer = setTimeout(() => finish(new Mm1HttpError('timeout', `no answer from ${where} within ${opts.timeoutMs / 1000} s`)), opts.timeoutMs);
    const onAbort = () => finish(new Mm1HttpError('aborted', 'the gateway is stopping'));
    signal.addEventListener('abort', onAbort);
    let request: http.ClientRequest | undefined;

    const onResponse = (res: http.IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > opts.maxBytes) {
          finish(new Mm1HttpError('too-big', `the answer from ${req.url.host} is larger than ${opts.maxBytes} octets`));
          return;
        }
        chunks.push(c);
      });
      res.on('error', () => {});
      res.on('close', () => {
        if (!res.complete) {
          finish(new Mm1HttpError('truncated', `the answer from ${where} was cut short after ${size} octets`));
          return;
        }
        finish(undefined, { status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) });
      });
    };
    const onError = (e: Error) => finish(new Mm1HttpError('unreachable', `cannot reach ${where}: ${e.message}`));

    const base = { method: req.method, headers, ...(opts.localAddress ? { localAddress: opts.localAddress } : {}), agent: false as const };
    if (opts.proxy && req.url.protocol === 'http:') {
      // A WAP 2.0 proxy is an HTTP proxy: the request goes to it with the absolute URI.
      request = http.request(
        { ...base, host: opts.proxy.host, port: opts.proxy.port, path: req.url.href, headers: { ...headers, Host: req.url.host } },
        onResponse,
      );
    } else if (opts.proxy) {
      const connect = http.request({
        method: 'CONNECT',
        host: opts.proxy.host,
        port: opts.proxy.port,
        path: `${req.url.hostname}:${req.url.port || 443}`,
        headers: { Host: `${req.url.hostname}:${req.url.port || 443}` },
        agent: false,
        ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
      });
      request = connect;
      connect.on('error', onError);
      connect.on('connect', (res: http.IncomingMessage, socket: Socket) => {
        if (res.statusCode !== 200) {
          socket.destroy();
          finish(new Mm1HttpError('unreachable', `${where} refused a tunnel to ${req.url.host} (HTTP ${res.statusCode})`));
          return;
        }
        const secure = tls.connect({ socket, servername: req.url.hostname });
        request = https.request(req.url, { ...base, createConnection: () => secure }, onResponse);
        request.on('error', onError);
        request.end(req.body);
      });
      connect.end();
      return;
    } else {
      request = (req.url.protocol === 'https:' ? https : http).request(req.url, base, onResponse);
    }
    request.on('error', onError);
    request.end(req.body);
  });
}
