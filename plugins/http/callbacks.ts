// Status callbacks: a durable reactor on the event log calls, for each status change of a message submitted
// over HTTP with a callback, its REST callbackUrl (POST JSON) or its Kannel dlr-url (GET, when dlr-mask asks
// for that kind of change). At least once: a crash after the call and before the cursor's save calls again,
// with the same Idempotency-Key (the message id and the change's seq) so receivers can drop repeats.
import { SIGNATURE_HEADER, signatureOf, type Logger, type NewMessage, type PluginApi, type StatusChange } from 'nowsms';
import { KANNEL_DLR, kannelDlrUrl } from './kannel.ts';

export interface CallbackSettings {
  timeoutMs: number;
  attempts: number;
  secret?: string | undefined;
  /** Wait before attempt n (1-based, n >= 2); tests shorten it. */
  backoffMs?: (attempt: number) => number;
}

interface Target {
  url: string;
  kannelMask?: number;
  to: string;
  from: string;
}

export const REACTOR_NAME = 'http:callbacks';
/** Calls at once from one batch: a slow receiver costs its timeout, not the sum of everyone's. */
const PARALLEL = 16;
/**
 * A receiver (origin) whose last call was given up gets one attempt per call for this long: a dead URL of one
 * user must not hold everyone's callbacks up for its whole retry schedule in every batch.
 */
const DEAD_MS = 60_000;

export class Callbacks {
  /** Callback targets of messages this process submitted (null: none), so most changes need no read. */
  private readonly known = new Map<string, Target | null>();
  calls = 0;
  failures = 0;
  private readonly dead = new Map<string, number>();

  constructor(
    private readonly api: PluginApi,
    private readonly settings: CallbackSettings,
    private readonly log: Logger,
  ) {}

  /** A message just committed: whether (and where) its changes are to be called back. */
  submitted(id: string, m: NewMessage): void {
    const http = m.meta?.http as { callbackUrl?: string; kannelMask?: number } | undefined;
    this.remember(
      id,
      http?.callbackUrl ? { url: http.callbackUrl, to: m.to, from: m.from, ...(http.kannelMask !== undefined ? { kannelMask: http.kannelMask } : {}) } : null,
    );
  }

  remember(id: string, target: Target | null): void {
    if (this.known.size > 100_000) this.known.clear();
    this.known.set(id, target);
  }

  private async targetOf(id: string): Promise<Target | null> {
    const hit = this.known.get(id);
    if (hit !== undefined) return hit;
    const m = await this.api.stores.messages.get(id);
    const http = m?.meta.http as { callbackUrl?: string; kannelMask?: number } | undefined;
    const t =
      m && http?.callbackUrl
        ? { url: http.callbackUrl, to: m.to, from: m.from, ...(http.kannelMask !== undefined ? { kannelMask: http.kannelMask } : {}) }
        : null;
    this.remember(id, t);
    return t;
  }

  /** The reactor's handle: resolves once every owed call of the batch was made (or given up, logged). */
  async handle(changes: StatusChange[]): Promise<void> {
    const work: Array<() => Promise<void>> = [];
    for (const c of changes) {
      if (c.via !== 'http' || c.direction !== 'MT' || c.status === 'received') continue;
      const target = await this.targetOf(c.messageId);
      if (!target) continue;
      if (target.kannelMask !== undefined) {
        const bit = (KANNEL_DLR as Record<string, number>)[c.status];
        if (!bit || !(target.kannelMask & bit)) continue;
        const url = kannelDlrUrl(target.url, {
          type: bit,
          to: target.to,
          from: target.from,
          detail: c.detail ?? c.status,
          at: c.at,
          id: c.messageId,
          connection: c.target?.kind === 'connection' ? c.target.id : undefined,
          user: c.user,
        });
        work.push(() => this.call(c, url, undefined));
      } else {
        const body = JSON.stringify({ id: c.messageId, to: target.to, status: c.status, ...(c.detail ? { detail: c.detail } : {}), at: c.at.toISOString() });
        work.push(() => this.call(c, target.url, body));
      }
    }
    for (let i = 0; i < work.length; i += PARALLEL) await Promise.all(work.slice(i, i + PARALLEL).map((w) => w()));
  }

  private async call(c: StatusChange, url: string, body: string | undefined): Promise<void> {
    const key = `${c.messageId}:${c.seq}`;
    const backoff = this.settings.backoffMs ?? ((n: number) => 1000 * 4 ** (n - 2));
    const origin = originOf(url);
    const attempts = (this.dead.get(origin) ?? 0) > Date.now() ? 1 : this.settings.attempts;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await new Promise((r) => setTimeout(r, backoff(attempt)));
      const headers: Record<string, string> = { 'idempotency-key': key, 'user-agent': 'nowsms' };
      if (body !== undefined) headers['content-type'] = 'application/json';
      // The gateway's one signature (core/signature.ts), as on 2-way calls: of the body, or for a GET of the
      // request target (path and query, as sent).
      if (this.settings.secret) headers[SIGNATURE_HEADER.toLowerCase()] = signatureOf(this.settings.secret, body ?? requestTarget(url));
      this.calls++;
      try {
        const res = await fetch(url, {
          method: body === undefined ? 'GET' : 'POST',
          headers,
          ...(body !== undefined ? { body } : {}),
          redirect: 'manual',
          signal: AbortSignal.timeout(this.settings.timeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) {
          this.dead.delete(origin);
          return;
        }
        // A 4xx other than 408/429 will not get better by asking again.
        if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
          this.failures++;
          this.log.warn({ id: c.messageId, url: safeUrl(url), status: res.status }, `http: status callback refused with HTTP ${res.status}; not retried`);
          return;
        }
        this.log.info({ id: c.messageId, url: safeUrl(url), status: res.status, attempt }, 'http: status callback failed; trying again');
      } catch (err) {
        this.log.info({ id: c.messageId, url: safeUrl(url), err: (err as Error).message, attempt }, 'http: status callback failed; trying again');
      }
    }
    this.failures++;
    this.dead.set(origin, Date.now() + DEAD_MS);
    this.log.warn({ id: c.messageId, url: safeUrl(url), status: c.status }, `http: status callback given up after ${attempts} attempt(s)`);
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** The URL without its query (a Kannel dlr-url may carry credentials of the receiver). */
function safeUrl(url: string): string {
  return url.split('?')[0]!;
}

function requestTarget(url: string): string {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}
