// An m-notification-ind, from a WAP push the plug-in claimed: fetch the MMS it announces (HTTP GET of its
// Content-Location), store it, then tell the MMSC (OMA-MMS-CTR's immediate retrieval: m-notifyresp-ind with
// status Retrieved; after a first failed try we said Deferred, so the MMS is acknowledged with
// m-acknowledge-ind, the deferred flow's end).
//
// The push is a queued message of this connection, so the queue makes the work durable: a retrieval that
// fails, or a crash before the MMS is committed, leaves it queued and it is fetched again. The MMS is
// committed under an idempotency key made from its Content-Location, so fetching it twice stores it once.
// Retries wait twice as long each time (firstRetrySeconds up to maxRetrySeconds) until the notification
// expires; then the push fails ("expired").
import {
  SendError,
  decodeMms,
  encodeMms,
  isMmsError,
  isNowsmsError,
  responseStatusClass,
  toMessageParts,
  type MmsPdu,
  type NewMessage,
  type QueueEntry,
  type SendResult,
} from 'nowsms';
import { Mm1HttpError, MMS_CONTENT_TYPE } from './http.ts';
import type { Mm1Deps } from './transport.ts';

/** After this many answers that say the MMS is not there (404, 410) or is no MMS, the MMSC is believed. */
const BELIEVE_AFTER = 3;

export function expiryOf(n: MmsPdu, receivedAt: Date, defaultSeconds: number): Date {
  if (n.expiry && 'absolute' in n.expiry) return n.expiry.absolute;
  const seconds = n.expiry ? n.expiry.relativeSeconds : defaultSeconds;
  return new Date(receivedAt.getTime() + seconds * 1000);
}

/** The next try: twice the last wait (from firstRetrySeconds up to maxRetrySeconds), never after the expiry. */
export function nextTry(attemptsMade: number, opts: { firstRetrySeconds: number; maxRetrySeconds: number }, expiry: Date, now = Date.now()): Date {
  const wait = Math.min(opts.firstRetrySeconds * 2 ** Math.max(0, attemptsMade - 1), opts.maxRetrySeconds) * 1000;
  return new Date(Math.min(now + wait, expiry.getTime()));
}

export async function retrieve(deps: Mm1Deps, entry: QueueEntry, n: MmsPdu, signal: AbortSignal): Promise<SendResult> {
  const { opts } = deps;
  const push = entry.message;
  const expiry = expiryOf(n, push.receivedAt, opts.defaultExpirySeconds);
  const about = `the MMS ${n.contentLocation ?? '(no location)'}${n.from ? ` from ${n.from.address}` : ''}`;
  if (!n.contentLocation) throw new SendError('permanent', 'an m-notification-ind without X-Mms-Content-Location: nothing to fetch');
  let url: URL;
  try {
    url = new URL(n.contentLocation);
    if (!/^https?:$/.test(url.protocol)) throw new Error('not http');
  } catch {
    throw new SendError('permanent', `the notification's X-Mms-Content-Location ${JSON.stringify(n.contentLocation)} is not an http(s) URL`);
  }
  if (Date.now() >= expiry.getTime()) {
    deps.counters.retrieveFailed++;
    throw new SendError('permanent', `expired: ${about} was to be fetched by ${expiry.toISOString()}`);
  }
  const attemptsMade = entry.attempts + 1;
  // The first failure tells the MMSC "deferred" before the retry is scheduled, so that it arrives before
  // a later success's m-acknowledge-ind. Its own failure is only logged (tellMmsc never throws). A gateway
  // stopping mid-fetch says nothing: the try does not count, and the next one is the first again.
  const later = async (why: string, cause?: unknown) => {
    if (entry.attempts === 0 && n.transactionId && !signal.aborted) await tellMmsc(deps, notifyResp(deps, n, 'deferred'), signal, 'deferred');
    return new SendError('temporary', `${why}; trying again until ${expiry.toISOString()}`, { retryAt: nextTry(attemptsMade, opts, expiry), cause });
  };
  const refuse = (why: string) => {
    deps.counters.retrieveFailed++;
    if (n.transactionId) void tellMmsc(deps, notifyResp(deps, n, 'rejected'), signal, 'rejected');
    return new SendError('permanent', why);
  };
  const tooBig = `${about} is larger than maxRetrieveBytes (${opts.maxRetrieveBytes})`;
  // As a handset does: an MMS whose notification says it is too big is not fetched at all (the data plan).
  if (n.messageSize !== undefined && n.messageSize > opts.maxRetrieveBytes) throw refuse(`${tooBig}: ${n.messageSize} octets`);

  let answer;
  try {
    answer = await deps.request({ method: 'GET', url }, signal);
  } catch (e) {
    if (e instanceof Mm1HttpError && e.kind === 'too-big') throw refuse(tooBig);
    // The data link did not come up, or its interface has no address: retried until the expiry like any other failure.
    if (e instanceof SendError && e.failure !== 'temporary') throw e;
    throw await later(e instanceof SendError ? e.message : `cannot fetch ${about}: ${(e as Error).message}`, e);
  }
  if (answer.status === 404 || answer.status === 410) {
    const why = `the MMSC does not have ${about} (HTTP ${answer.status})`;
    if (attemptsMade >= BELIEVE_AFTER) throw refuse(`${why}, ${attemptsMade} times`);
    throw await later(why);
  }
  if (answer.status < 200 || answer.status >= 300) throw await later(`fetching ${about}: HTTP ${answer.status}`);
  let conf: MmsPdu;
  try {
    conf = decodeMms(answer.body);
    if (conf.messageType !== 'm-retrieve-conf') throw new Error(`an ${conf.messageType}, not an m-retrieve-conf`);
  } catch (e) {
    const why = `fetching ${about}: the answer (${answer.contentType || 'no content type'}, ${answer.body.length} octets) is not an MMS: ${isMmsError(e) ? e.message : (e as Error).message}`;
    if (attemptsMade >= BELIEVE_AFTER) throw refuse(why);
    throw await later(why);
  }
  if (conf.retrieveStatus !== undefined && conf.retrieveStatus !== 0x80) {
    const why = `the MMSC could not give ${about}: X-Mms-Retrieve-Status 0x${conf.retrieveStatus.toString(16)}${conf.retrieveText ? ` (${conf.retrieveText})` : ''}`;
    if (responseStatusClass(conf.retrieveStatus) === 'transient') throw await later(why);
    deps.counters.retrieveFailed++;
    throw new SendError('permanent', why);
  }

  let stored;
  try {
    [stored] = await deps.ctx().submit([messageOf(deps, entry, n, conf, url)]);
  } catch (e) {
    if (isNowsmsError(e) && e.temporary) throw await later(`the gateway did not take ${about}: ${e.message}`, e);
    throw refuse(`the gateway refused ${about}: ${(e as Error).message}`);
  }
  deps.counters.retrieved++;
  const told = await acknowledge(deps, entry.attempts > 0, n, conf, signal);
  return { detail: `fetched ${answer.body.length} octets, stored as ${stored?.id}${stored?.duplicate ? ' (already stored)' : ''}; ${told}` };
}

/**
 * Immediate retrieval ends with m-notifyresp-ind Retrieved (the notification's transaction). After a failed
 * first try we said Deferred, which ended that transaction: this is a deferred retrieval, acknowledged with
 * m-acknowledge-ind in the m-retrieve-conf's transaction, and only when the m-retrieve-conf has one (OMA-MMS-ENC
 * §6.3: the MMSC includes the Transaction-ID when it wants the acknowledgement; Android's and Firefox OS's MMS
 * clients do the same). Sent after a first try whose Deferred never reached the MMSC too, as those clients do.
 */
async function acknowledge(deps: Mm1Deps, deferred: boolean, n: MmsPdu, conf: MmsPdu, signal: AbortSignal): Promise<string> {
  if (deferred) {
    if (!conf.transactionId) return 'the MMSC asked for no acknowledgement (its m-retrieve-conf has no Transaction-ID)';
    const ack = encodeMms({
      messageType: 'm-acknowledge-ind',
      transactionId: conf.transactionId,
      mmsVersion: deps.opts.mmsVersion,
      reportAllowed: deps.opts.reportAllowed,
    });
    return tellMmsc(deps, ack, signal, 'retrieved');
  }
  if (!n.transactionId) return 'nothing to tell the MMSC (the notification has no Transaction-ID)';
  return tellMmsc(deps, notifyResp(deps, n, 'retrieved'), signal, 'retrieved');
}

function notifyResp(deps: Mm1Deps, n: MmsPdu, status: 'retrieved' | 'deferred' | 'rejected'): Buffer {
  return encodeMms({
    messageType: 'm-notifyresp-ind',
    transactionId: n.transactionId!,
    mmsVersion: deps.opts.mmsVersion,
    status,
    reportAllowed: deps.opts.reportAllowed,
  });
}

/** Post an acknowledgement; its failure is logged and said, never fatal (the MMSC sends the notification again). */
async function tellMmsc(deps: Mm1Deps, pdu: Buffer, signal: AbortSignal, what: string): Promise<string> {
  try {
    const a = await deps.request({ method: 'POST', url: deps.mmscUrl, body: pdu }, signal);
    if (a.status >= 200 && a.status < 300) return `the MMSC was told (${what})`;
    throw new Error(`HTTP ${a.status}`);
  } catch (e) {
    deps.log.warn({ err: (e as Error).message, what }, 'gprs-mms: the MMSC was not told; it may announce the MMS again (stored once)');
    return `the MMSC was not told (${what}: ${(e as Error).message})`;
  }
}

function messageOf(deps: Mm1Deps, entry: QueueEntry, n: MmsPdu, conf: MmsPdu, url: URL): NewMessage {
  const push = entry.message;
  const to = conf.to?.find((a) => a.type === 'PLMN')?.address ?? push.to;
  const from = conf.from?.address ?? n.from?.address ?? push.from;
  const subject = conf.subject ?? n.subject;
  return {
    direction: 'MO',
    kind: 'mms',
    from,
    to,
    via: deps.id,
    ...(subject ? { subject } : {}),
    parts: toMessageParts(conf.parts ?? []),
    ...(deps.opts.routeTo ? { routeTo: deps.opts.routeTo } : {}),
    idempotencyKey: `${deps.id}:mms:${url.href}`,
    meta: {
      mms: {
        contentLocation: url.href,
        ...(conf.messageId ? { messageId: conf.messageId } : {}),
        ...(n.transactionId ? { transactionId: n.transactionId } : {}),
        ...(conf.date ? { date: conf.date.toISOString() } : {}),
        ...(conf.messageClass ? { messageClass: conf.messageClass } : {}),
      },
      push: entry.messageId,
    },
  };
}

export { MMS_CONTENT_TYPE };
