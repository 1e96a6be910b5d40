// One POST of one message, and what its answer means for the gateway's queue.
import { SendError, SIGNATURE_HEADER, signatureOf, type Message, type SendResult } from 'nowsms';

/** The JSON body the webhook receives. */
export interface WebhookBody {
  id: string;
  kind: Message['kind'];
  from: string;
  to: string;
  /** The connection it came in on (a modem id, an SMSC id, `cli`). */
  via?: string;
  subject?: string;
  receivedAt: string;
  /** The text parts, joined. */
  text: string;
  /** Every part (an MMS's images too), its bytes in base64. */
  parts: { contentType: string; name?: string; data: string }[];
}

export function bodyOf(m: Message): WebhookBody {
  return {
    id: m.id,
    kind: m.kind,
    from: m.from,
    to: m.to,
    ...(m.via ? { via: m.via } : {}),
    ...(m.subject ? { subject: m.subject } : {}),
    receivedAt: m.receivedAt.toISOString(),
    text: m.parts
      .filter((p) => p.contentType.startsWith('text/plain'))
      .map((p) => p.data.toString('utf8'))
      .join(''),
    parts: m.parts.map((p) => ({ contentType: p.contentType, ...(p.name ? { name: p.name } : {}), data: p.data.toString('base64') })),
  };
}

/**
 * POST the message. A 2xx answer sends it; 429 pauses the connection (Retry-After); 408, 5xx, a timeout or a
 * network error retries it on the gateway's schedule; any other answer fails it for good.
 */
export async function post(url: string, secret: string, message: Message, signal: AbortSignal, timeoutMs: number): Promise<SendResult> {
  const body = JSON.stringify(bodyOf(message));
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signatureOf(secret, body) },
      body,
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
    });
  } catch (err) {
    throw new SendError('temporary', `webhook ${new URL(url).host} unreachable: ${(err as Error).message}`, { cause: err });
  }
  // The answer's body is not used; read it so the connection is reused.
  await res.arrayBuffer().catch(() => undefined);
  if (res.ok) return { detail: `webhook answered ${res.status}` };
  const what = `webhook answered ${res.status} ${res.statusText}`.trim();
  if (res.status === 429) {
    const seconds = Number(res.headers.get('retry-after'));
    throw new SendError('throttled', what, Number.isFinite(seconds) && seconds > 0 ? { pauseMs: seconds * 1000 } : {});
  }
  if (res.status === 408 || res.status >= 500) throw new SendError('temporary', what);
  throw new SendError('permanent', what);
}
