// What a failed submit means for the message (PRODUCT.md's defaults): some statuses fail it for good,
// throttling and a full queue pause the connection without spending an attempt, the rest are retried.
import smpp from 'smpp';
import { isSendError, SendError } from 'nowsms';
import { statusName } from '../shared/status.ts';
import { RequestError } from './session.ts';

const PAUSING = new Set<number>([smpp.ESME_RTHROTTLED, smpp.ESME_RMSGQFUL]);

export function submitStatusError(status: number, permanent: ReadonlySet<number>): SendError {
  const what = `SMSC refused submit_sm: ${statusName(status)}`;
  if (permanent.has(status)) return new SendError('permanent', what);
  if (PAUSING.has(status)) return new SendError('throttled', what);
  return new SendError('temporary', what);
}

export function requestFailureError(e: unknown): SendError {
  if (isSendError(e)) return e;
  if (e instanceof RequestError) {
    switch (e.failure) {
      case 'timeout':
        // The SMSC may have the message; the retry may duplicate it. The window bounds how many can be in this state.
        return new SendError('temporary', `${e.message} (the SMSC may have it: a retry can duplicate it)`, { cause: e });
      case 'nack':
        return new SendError('temporary', `SMSC answered submit_sm with ${e.message}`, { cause: e });
      default:
        return new SendError('temporary', e.message, { cause: e });
    }
  }
  return new SendError('temporary', (e as Error)?.message ?? String(e), { cause: e });
}
