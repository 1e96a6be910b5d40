// What the MMSC's answer to a SubmitReq means for the message and for the connection.
//
// - SubmitRsp 1000/1100: sent; its MessageID is kept so the MMSC's DeliveryReportReq finds the message.
// - SubmitRsp with a failure status (whatever the HTTP status): permanent or temporary by the status
//   (status.ts).
// - SOAP Fault: by the MM7 status in its detail; without one, Client is permanent and Server temporary.
// - HTTP 401/403, 404/405, and MM7 4001 Improper identification: our credentials, VASP ids or URL are
//   wrong. The messages are not at fault and a retry schedule would only fail them one by one, so they
//   wait (throttled: no attempt spent) with the connection down and the reason in its status, as SMPP
//   messages wait while a bind is refused; the operator fixes the config and restarts. A minute later the
//   next send tries again (an MMSC whose own login service failed recovers without a restart).
// - HTTP 429: throttled for Retry-After (or 5 s). HTTP 400/413/415/422 without a Fault: the MMSC refuses
//   this request: permanent. HTTP 5xx without a Fault, a body that is no MM7, no answer, a reset or
//   refused connection, a timeout: temporary.
import { SendError, type SendResult } from 'nowsms';
import { failureOf, isMm7Error, isSuccess, parseMm7, statusText, type Mm7Message, type Mm7Status } from '../mm7/index.ts';
import type { Answer } from './post.ts';

export const CONFIG_PAUSE_MS = 60_000;
export const THROTTLE_PAUSE_MS = 5_000;
/** 4001 Improper identification: the MMSC does not know us (VASPID, VASID or credentials). */
const IMPROPER_IDENTIFICATION = 4001;

export type LinkEffect = { state: 'up' } | { state: 'retrying' | 'down'; detail: string };

export interface Outcome {
  result?: SendResult;
  error?: SendError;
  link: LinkEffect;
}

function describe(s: Mm7Status): string {
  return `${s.code} ${s.text ?? statusText(s.code)}${s.details ? ` (${s.details})` : ''}`;
}

function retryAfterMs(v: string | undefined): number {
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? Math.min(n, 3600) * 1000 : THROTTLE_PAUSE_MS;
}

export function outcomeOf(answer: Answer, where: string): Outcome {
  if (answer.status === 401 || answer.status === 403)
    return configProblem(`${where} refused our credentials (HTTP ${answer.status}): check vaspId and password`);
  if (answer.status === 404 || answer.status === 405) return configProblem(`${where} has no MM7 endpoint at this URL (HTTP ${answer.status}): check the url`);
  if (answer.status === 429) {
    const why = `${where} asks us to slow down (HTTP 429)`;
    return { error: new SendError('throttled', why, { pauseMs: retryAfterMs(answer.retryAfter) }), link: { state: 'up' } };
  }

  let message: Mm7Message | undefined;
  let unreadable: string | undefined;
  try {
    message = parseMm7({ contentType: answer.contentType, body: answer.body });
  } catch (e) {
    unreadable = isMm7Error(e) ? e.status.details : (e as Error).message;
  }

  // An MM7 answer counts by its status whatever the HTTP status (some MMSCs send refusals with HTTP 500).
  if (message?.type === 'Fault') {
    const why = `${where} answered a SOAP Fault (${message.faultCode}: ${message.faultString})${message.status ? `: ${describe(message.status)}` : ''}`;
    if (message.status?.code === IMPROPER_IDENTIFICATION) return configProblem(`${why}: check vaspId, password and vasId`);
    const failure = message.status ? (failureOf(message.status.code) ?? 'temporary') : message.faultCode === 'Client' ? 'permanent' : 'temporary';
    return { error: new SendError(failure, why), link: failure === 'temporary' ? { state: 'retrying', detail: why } : { state: 'up' } };
  }
  if (message?.type === 'SubmitRsp') {
    const s = message.status;
    if (isSuccess(s.code)) {
      const result: SendResult = { detail: `${where}: ${describe(s)}${message.messageId ? `, MessageID ${message.messageId}` : ''}` };
      if (message.messageId) result.remoteIds = [message.messageId];
      return { result, link: { state: 'up' } };
    }
    const why = `${where} refused the SubmitReq: ${describe(s)}`;
    if (s.code === IMPROPER_IDENTIFICATION) return configProblem(`${why}: check vaspId, password and vasId`);
    const failure = failureOf(s.code) ?? 'temporary';
    return { error: new SendError(failure, why), link: failure === 'temporary' ? { state: 'retrying', detail: why } : { state: 'up' } };
  }

  if ([400, 413, 415, 422].includes(answer.status)) {
    const why = `${where} refused the request (HTTP ${answer.status})`;
    return { error: new SendError('permanent', why), link: { state: 'up' } };
  }
  const why =
    answer.status < 200 || answer.status >= 300
      ? `${where} answered HTTP ${answer.status}`
      : `${where} answered HTTP ${answer.status} without a SubmitRsp (${message ? message.type : unreadable})`;
  return { error: new SendError('temporary', why), link: { state: 'retrying', detail: why } };
}

/** Our credentials, VASP ids or URL are wrong: the message waits (no attempt spent) and the connection shows why. */
function configProblem(why: string): Outcome {
  return { error: new SendError('throttled', why, { pauseMs: CONFIG_PAUSE_MS }), link: { state: 'down', detail: why } };
}
