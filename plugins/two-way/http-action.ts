// An HTTP command: GET with the placeholders in the URL, or POST as a form, JSON or multipart; the answer,
// NowSMS's outcome rules, redirects to a send URL taken as the reply.
import { signatureOf, type Message } from 'nowsms';
import type { Command } from './commands.ts';
import { excerpt, type Answer, type Outcome } from './outcome.ts';
import { expand, PLACEHOLDERS, type Values } from './placeholders.ts';

export interface HttpContext {
  signal: AbortSignal;
  timeoutMs: number;
  signature?: { secret: string; header: string };
  /** `Idempotency-Key`: the same for every attempt, so that a receiver can drop repeats. */
  key: string;
}

/** An answer larger than this is cut (an SMS reply uses at most a few hundred characters of it). */
const MAX_ANSWER_BYTES = 64 * 1024;
const MAX_REDIRECTS = 5;
const RETRY_STATUSES = new Set([503]);

interface Request {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string | FormData;
  /** What the signature covers: the body, or for a GET the path and query. */
  signed: string;
}

export function buildRequest(command: Command, message: Message, values: Values): Request {
  const url = expand(command.action as string, values, encodeURIComponent);
  if (command.method === 'GET') {
    const u = new URL(url);
    return { url, method: 'GET', headers: {}, signed: u.pathname + u.search };
  }
  const fields = Object.fromEntries(
    Object.entries(command.fields ?? Object.fromEntries(PLACEHOLDERS.map((p) => [p.toLowerCase(), `@@${p}@@`]))).map(([k, v]) => [k, expand(v, values)]),
  );
  if (command.body === 'json') {
    const body = JSON.stringify(fields);
    return { url, method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body, signed: body };
  }
  if (command.body === 'multipart') {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    // An MMS's parts as files (an SMS has none besides its text, which is in the fields).
    if (message.kind === 'mms')
      message.parts.forEach((p, i) =>
        form.append(`part${i + 1}`, new Blob([new Uint8Array(p.data)], { type: p.contentType }), p.name ?? p.contentId ?? `part${i + 1}`),
      );
    // The boundary is chosen when the body is encoded: the signature covers the fields as a form.
    return { url, method: 'POST', headers: {}, body: form, signed: new URLSearchParams(fields).toString() };
  }
  const body = new URLSearchParams(fields).toString();
  return { url, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body, signed: body };
}

/** The send URL's form (NowSMS's `/?PhoneNumber=...&Text=...`): its numbers and text, else undefined. */
export function sendUrlAnswer(location: URL): Answer | undefined {
  const q = new Map<string, string>();
  for (const [k, v] of location.searchParams) q.set(k.toLowerCase(), v);
  const phones = q.get('phonenumber') ?? q.get('phone');
  const text = q.get('text');
  if (phones === undefined || text === undefined) return undefined;
  const to = phones
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  return to.length ? { text, to } : undefined;
}

async function readCapped(res: Response): Promise<string> {
  if (!res.body) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    chunks.push(Buffer.from(chunk));
    size += chunk.length;
    if (size >= MAX_ANSWER_BYTES) break;
  }
  return Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8');
}

export async function callHttp(command: Command, message: Message, values: Values, ctx: HttpContext): Promise<Outcome> {
  const req = buildRequest(command, message, values);
  const timeout = AbortSignal.timeout(ctx.timeoutMs);
  const signal = AbortSignal.any([ctx.signal, timeout]);
  const headers: Record<string, string> = { ...req.headers, 'user-agent': 'nowsms', 'idempotency-key': ctx.key };
  if (ctx.signature) headers[ctx.signature.header.toLowerCase()] = signatureOf(ctx.signature.secret, req.signed);
  let url = req.url;
  let method = req.method;
  let body = req.body;
  try {
    for (let hop = 0; ; hop++) {
      const res = await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}), redirect: 'manual', signal });
      const where = `${method} ${new URL(url).host}`;
      if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
        await res.body?.cancel();
        const next = new URL(res.headers.get('location')!, url);
        const answer = sendUrlAnswer(next);
        if (answer) return { kind: 'done', detail: `${where}: HTTP ${res.status}, redirected to the send URL`, answers: [answer] };
        if (hop >= MAX_REDIRECTS) return { kind: 'final', detail: `${where}: more than ${MAX_REDIRECTS} redirects` };
        // Followed as a browser does: a GET, without the body.
        url = next.href;
        method = 'GET';
        body = undefined;
        delete headers['content-type'];
        continue;
      }
      const text = await readCapped(res);
      if (res.status >= 200 && res.status < 300) {
        const plain = /^text\/plain\b/i.test(res.headers.get('content-type') ?? '');
        const answer = command.reply && plain ? text.trim() : '';
        return {
          kind: 'done',
          detail: `${where}: HTTP ${res.status}${answer ? `, answered "${excerpt(answer)}"` : ''}`,
          answers: answer ? [{ text: answer }] : [],
        };
      }
      const detail = `${where}: HTTP ${res.status} ${res.statusText}${text.trim() ? `: ${excerpt(text, 120)}` : ''}`;
      if (RETRY_STATUSES.has(res.status) || command.httpErrors === 'retry') return { kind: 'retry', detail };
      return { kind: 'final', detail };
    }
  } catch (e) {
    if (ctx.signal.aborted) throw e;
    if (timeout.aborted) return { kind: 'retry', detail: `${method} ${new URL(url).host}: no answer within ${ctx.timeoutMs / 1000} s` };
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    return { kind: 'retry', detail: `${method} ${new URL(url).host}: ${cause?.code ?? cause?.message ?? (e as Error).message}` };
  }
}
