// One HTTP POST to the MMSC: Basic credentials, SOAPAction, a deadline, the gateway's abort signal; the
// answer's body is read up to a cap (an MMSC answers a few kB; a runaway body must not fill memory).
import http from 'node:http';
import https from 'node:https';
import type { Mm7Http } from '../mm7/types.ts';

export const MAX_ANSWER_BYTES = 1024 * 1024;

export interface Answer {
  status: number;
  contentType: string;
  body: Buffer;
  retryAfter?: string;
}

export class PostError extends Error {
  constructor(
    message: string,
    readonly kind: 'network' | 'timeout' | 'aborted' | 'too-large',
    /** The request went out on a kept-alive socket that failed before any answer: the MMSC closed it idle. */
    readonly staleSocket = false,
  ) {
    super(message);
  }
}

export interface PostOptions {
  url: URL;
  user: string;
  password: string;
  soapAction: string;
  timeoutMs: number;
  agent: http.Agent | https.Agent;
  signal: AbortSignal;
}

export function post(request: Mm7Http, o: PostOptions): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    if (o.signal.aborted) return reject(new PostError('gateway stopping', 'aborted'));
    const lib = o.url.protocol === 'https:' ? https : http;
    let settled = false;
    const finish = (err: Error | undefined, answer?: Answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.signal.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(answer!);
    };
    const req = lib.request(o.url, {
      method: 'POST',
      agent: o.agent,
      headers: {
        'Content-Type': request.contentType,
        'Content-Length': String(request.body.length),
        SOAPAction: o.soapAction,
        Authorization: `Basic ${Buffer.from(`${o.user}:${o.password}`, 'utf8').toString('base64')}`,
      },
    });
    const timer = setTimeout(() => {
      finish(new PostError(`no answer within ${o.timeoutMs / 1000} s`, 'timeout'));
      req.destroy();
    }, o.timeoutMs);
    const onAbort = () => {
      finish(new PostError('gateway stopping before the MMSC answered', 'aborted'));
      req.destroy();
    };
    o.signal.addEventListener('abort', onAbort, { once: true });
    let answered = false;
    req.on('error', (e) => finish(new PostError((e as NodeJS.ErrnoException).code ?? e.message, 'network', req.reusedSocket && !answered)));
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_ANSWER_BYTES) {
          finish(new PostError(`the answer is larger than ${MAX_ANSWER_BYTES} bytes`, 'too-large'));
          req.destroy();
          return;
        }
        chunks.push(c);
      });
      res.on('error', (e) => finish(new PostError(e.message, 'network')));
      res.on('close', () => {
        if (!res.complete) finish(new PostError('the MMSC closed the connection mid-answer', 'network'));
      });
      res.on('end', () => {
        const answer: Answer = { status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) };
        const ra = res.headers['retry-after'];
        if (typeof ra === 'string') answer.retryAfter = ra;
        finish(undefined, answer);
      });
    });
    req.end(request.body);
  });
}
