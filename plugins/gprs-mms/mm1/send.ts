// An MMS a user sends, as a handset sends it (OMA-MMS-CTR send transaction): an m-send-req posted to the
// MMSC URL, From as the Insert-address-token (the MMSC writes the SIM's number, as it does for a phone), the
// recipient as <number>/TYPE=PLMN; the m-send-conf's Response-Status says sent, try again, or never.
// The Message-ID it gives is kept as the remote id: the later m-delivery-ind names it.
import { SendError, decodeMms, encodeMms, responseStatusClass, withSenderMarker, type Message, type MmsPdu, type SendResult } from 'nowsms';
import { Mm1HttpError } from './http.ts';
import type { Mm1Deps } from './transport.ts';

/** The m-send-req for a queued MMS; `transactionId` is the queue's message id (unique, and the same on a retry). */
export function sendReqOf(deps: Pick<Mm1Deps, 'opts'>, message: Message, transactionId: string): Buffer {
  if (!/^\+?\d{1,20}$/.test(message.to) && !/^[^\s@]+@[^\s@]+$/.test(message.to))
    throw new SendError('permanent', `the recipient ${JSON.stringify(message.to)} is not a phone number or e-mail address`);
  const subject = deps.opts.embedSenderInSubject && message.user ? withSenderMarker(message.subject, message.user) : message.subject;
  return encodeMms({
    messageType: 'm-send-req',
    transactionId,
    mmsVersion: deps.opts.mmsVersion,
    date: new Date(),
    to: [message.to],
    ...(subject ? { subject } : {}),
    messageClass: 'personal',
    deliveryReport: deps.opts.deliveryReport,
    readReport: false,
    parts: message.parts,
  });
}

export async function send(deps: Mm1Deps, message: Message, transactionId: string, signal: AbortSignal): Promise<SendResult> {
  let body: Buffer;
  try {
    body = sendReqOf(deps, message, transactionId);
  } catch (e) {
    deps.counters.sendFailed++;
    throw e instanceof SendError ? e : new SendError('permanent', `cannot write the MMS as an m-send-req: ${(e as Error).message}`);
  }
  const where = `the MMSC at ${deps.mmscUrl.host}`;
  let answer;
  try {
    answer = await deps.request({ method: 'POST', url: deps.mmscUrl, body }, signal);
  } catch (e) {
    deps.counters.sendFailed++;
    if (e instanceof SendError) throw e;
    if (e instanceof Mm1HttpError && e.kind === 'too-big') throw new SendError('temporary', `${where} answered with too much: ${e.message}`);
    throw new SendError('temporary', `cannot post the m-send-req: ${(e as Error).message}`, { cause: e });
  }
  let conf: MmsPdu | undefined;
  try {
    conf = decodeMms(answer.body);
  } catch {
    conf = undefined;
  }
  if (conf?.messageType !== 'm-send-conf') {
    deps.counters.sendFailed++;
    const what = conf ? `an ${conf.messageType}` : `${answer.body.length} octets of ${answer.contentType || 'no content type'}`;
    // The MMSC's own refusals of a request (HTTP 4xx) are final; the rest (5xx, a proxy's page) may pass.
    const final = answer.status >= 400 && answer.status < 500 && answer.status !== 408 && answer.status !== 429;
    throw new SendError(final ? 'permanent' : 'temporary', `${where} answered HTTP ${answer.status} with ${what}, not an m-send-conf`);
  }
  const status = conf.responseStatus ?? 0x80;
  const said = `Response-Status 0x${status.toString(16)}${conf.responseText ? ` (${conf.responseText})` : ''}`;
  const cls = responseStatusClass(status);
  if (cls !== 'ok') {
    deps.counters.sendFailed++;
    throw new SendError(cls === 'transient' ? 'temporary' : 'permanent', `${where} refused the m-send-req: ${said}`);
  }
  deps.counters.mmsSent++;
  return { detail: `${where}: ${said}${conf.messageId ? `, Message-ID ${conf.messageId}` : ''}`, ...(conf.messageId ? { remoteIds: [conf.messageId] } : {}) };
}
