// The measured steps that are the same against every server: a POP3 download pass and the 250-to-retrievable
// latency probe.
import { Pop3Client, Pop3Error, messageOf } from './pop3-client.ts';
import { SmtpClient, mailBody } from './smtp-client.ts';

export interface Pop3Pass {
  messages: number;
  /** The messages' bytes (dot-stuffing undone), when asked for. */
  bodies?: Buffer[];
  /** Bytes received for the RETRs, status lines and dot-stuffing included. */
  bytes: number;
  /** Connect, greeting, USER, PASS. */
  loginMs: number;
  /** Connect to the last RETR's terminator (QUIT not included). */
  elapsedMs: number;
}

/** One session: log in, STAT, RETR 1..n one at a time, QUIT without DELE. */
export async function pop3Pass(port: number, user: string, password: string, keepBodies: boolean): Promise<Pop3Pass> {
  const t0 = performance.now();
  const c = await Pop3Client.login(port, user, password);
  try {
    const loginMs = performance.now() - t0;
    const { count } = await c.stat();
    const bodies: Buffer[] = [];
    let bytes = 0;
    for (let n = 1; n <= count; n++) {
      const raw = await c.retrRaw(n);
      bytes += raw.length;
      if (keepBodies) bodies.push(messageOf(raw));
    }
    const elapsedMs = performance.now() - t0;
    await c.quit();
    return { messages: count, bytes, loginMs, elapsedMs, ...(keepBodies ? { bodies } : {}) };
  } finally {
    c.destroy();
  }
}

/** Log in, retrying while another session still holds the maildrop lock (RFC 1939 allows refusing then). */
export async function pop3LoginRetrying(port: number, user: string, password: string, timeoutMs = 10_000): Promise<{ client: Pop3Client; retries: number }> {
  const deadline = performance.now() + timeoutMs;
  for (let retries = 0; ; retries++) {
    try {
      return { client: await Pop3Client.login(port, user, password), retries };
    } catch (e) {
      if (!(e instanceof Pop3Error) || e.command !== 'PASS' || performance.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 2));
    }
  }
}

export async function listUids(port: number, user: string, password: string): Promise<{ uids: string[]; ms: number; retries: number }> {
  const t0 = performance.now();
  const { client, retries } = await pop3LoginRetrying(port, user, password);
  try {
    const uids = await client.uidl();
    const ms = performance.now() - t0;
    await client.quit();
    return { uids, ms, retries };
  } finally {
    client.destroy();
  }
}

export interface LatencyOptions {
  smtpPort: number;
  pop3Port: number;
  sender: { user: string; password: string; mailFrom: string };
  receiver: { user: string; password: string };
  rcptTo: string;
  samples: number;
  /** Number of the first sample message (Message-IDs stay distinct from earlier runs). */
  first: number;
}

export interface LatencyResult {
  /** Per sample: time of the UIDL response that first listed the message minus time of its 250, in ms. */
  latenciesMs: number[];
  /** Samples listed by the very first POP3 session after their 250. */
  firstPollHits: number;
  /** Logins refused because the previous session still held the lock (retried). */
  lockRetries: number;
}

/**
 * One message at a time: send it, note the time of its 250, then log in as the receiver and UIDL (a new
 * session each time, as a maildrop is fixed at login) until a uid not seen before is listed.
 */
export async function latencyProbe(o: LatencyOptions): Promise<LatencyResult> {
  const known = new Set((await listUids(o.pop3Port, o.receiver.user, o.receiver.password)).uids);
  const smtp = await SmtpClient.connect(o.smtpPort);
  const latenciesMs: number[] = [];
  let firstPollHits = 0;
  let lockRetries = 0;
  try {
    await smtp.login(o.sender.user, o.sender.password);
    for (let k = 0; k < o.samples; k++) {
      const body = mailBody(o.first + k, o.sender.mailFrom, o.rcptTo);
      await smtp.send(o.sender.mailFrom, o.rcptTo, body);
      const t250 = performance.now();
      for (let polls = 1; ; polls++) {
        const { client, retries } = await pop3LoginRetrying(o.pop3Port, o.receiver.user, o.receiver.password);
        lockRetries += retries;
        let uids: string[];
        let seenAt: number;
        try {
          uids = await client.uidl();
          seenAt = performance.now();
          await client.quit();
        } finally {
          client.destroy();
        }
        const fresh = uids.filter((u) => !known.has(u));
        if (fresh.length > 0) {
          for (const u of fresh) known.add(u);
          latenciesMs.push(seenAt - t250);
          if (polls === 1) firstPollHits++;
          break;
        }
        if (seenAt - t250 > 30_000) throw new Error(`message ${o.first + k} got its 250 but was not listed over POP3 within 30 s`);
      }
    }
    await smtp.quit();
  } finally {
    smtp.destroy();
  }
  return { latenciesMs, firstPollHits, lockRetries };
}

/** Nearest-rank percentile. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}
