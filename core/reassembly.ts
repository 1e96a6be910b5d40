// Concatenated SMS arrive as segments, in any order, possibly never all. Each segment is stored durably
// before the connection acknowledges it (modem CMGD, SMPP deliver_sm_resp); the whole message is submitted
// once every segment is there, and the segments go in the same transaction. Segments still waiting past
// the timeout are delivered as they are, marked incomplete: a partial text beats a lost one.
import type { Accepted, NewMessage, Segment, Stores } from './types.ts';

/** Segments belong together when connection, sender, reference and count agree (TS 23.040 9.2.3.24.1). */
export function segmentKey(connectionId: string, from: string, ref: number, total: number): string {
  return `${segmentKeyPrefix(connectionId)}${from}|${ref}|${total}`;
}

/** The message the segments make, in sequence order; gaps are marked with […] and listed in meta. */
export function joinSegments(segments: Segment[]): NewMessage {
  const sorted = [...segments].sort((a, b) => a.seq - b.seq);
  const first = sorted[0]!;
  const total = first.total;
  const have = new Set(sorted.map((s) => s.seq));
  const missing = Array.from({ length: total }, (_, i) => i + 1).filter((n) => !have.has(n));
  const isText = sorted.every((s) => /^text\/plain\b/i.test(s.part.contentType));
  let data: Buffer;
  if (isText) {
    const pieces: string[] = [];
    for (let n = 1; n <= total; n++) {
      const s = sorted.find((x) => x.seq === n);
      if (s) pieces.push(s.part.data.toString('utf8'));
      else if (pieces.at(-1) !== '[…]') pieces.push('[…]');
    }
    data = Buffer.from(pieces.join(''), 'utf8');
  } else data = Buffer.concat(sorted.map((s) => s.part.data));
  return {
    direction: 'MO',
    kind: 'sms',
    from: first.from,
    to: first.to,
    ...(first.via ? { via: first.via } : {}),
    receivedAt: sorted.reduce((d, s) => (s.receivedAt > d ? s.receivedAt : d), first.receivedAt),
    parts: [{ contentType: isText ? 'text/plain; charset=utf-8' : first.part.contentType, data }],
    meta: { ...first.meta, segments: total, ...(missing.length ? { incomplete: true, missingSegments: missing } : {}) },
    consumesSegments: first.key,
  };
}

type Submit = (messages: NewMessage[]) => Promise<Accepted[]>;

/** Store a segment; when it completes its message, submit the message. Resolves once durable either way. */
export async function acceptSegment(stores: Stores, submit: Submit, segment: Segment): Promise<Accepted | undefined> {
  const held = await stores.segments.put(segment);
  if (new Set(held.map((s) => s.seq)).size < segment.total) return undefined;
  const [accepted] = await submit([joinSegments(held)]);
  return accepted;
}

/** What every key of one connection starts with (segmentKey's first field). */
export function segmentKeyPrefix(connectionId: string): string {
  return `${connectionId}|`;
}

/**
 * Deliver, marked incomplete, every message of this connection whose first segment is older than
 * `timeoutMs`. Only this connection's: another's segments are its own to time out and route.
 */
export async function flushStaleSegments(stores: Stores, submit: Submit, timeoutMs: number, connectionId: string, now = new Date()): Promise<Accepted[]> {
  const out: Accepted[] = [];
  const prefix = segmentKeyPrefix(connectionId);
  for (const key of await stores.segments.stale(new Date(now.getTime() - timeoutMs))) {
    if (!key.startsWith(prefix)) continue;
    const held = await stores.segments.get(key);
    if (held.length) out.push(...(await submit([joinSegments(held)])));
  }
  return out;
}
