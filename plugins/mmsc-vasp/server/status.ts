// What the store's answer means in MM7 (3GPP TS 23.140 status codes), and what an MMSC's MMStatus means
// for a message we sent.
import { isNowsmsError, type DeliveryReport } from 'nowsms';

/**
 * The MM7 status for a refused submission. A temporary refusal is 4006 "Service unavailable" (the MMSC
 * tries again later); an error we did not foresee is 3000 "Server error" (the same, for the MMSC). The
 * permanent ones name what was wrong: 2002 "Address error", 2004 "Multimedia content refused" (too big,
 * a content type refused), 4007 "Service denied" (the permission or the funds: limits and credits), 3002
 * "Message rejected" (a route or a hook refused it).
 */
export function statusOfError(err: unknown): { code: number; details?: string } {
  if (!isNowsmsError(err)) return { code: 3000 };
  const details = err.message;
  if (err.temporary) return { code: 4006, details };
  switch (err.code) {
    case 'NOWSMS_ERR_ADDRESS':
      return { code: 2002, details };
    case 'NOWSMS_ERR_TOO_LONG':
    case 'NOWSMS_ERR_TOO_BIG':
    case 'NOWSMS_ERR_CONTENT_TYPE':
      return { code: 2004, details };
    case 'NOWSMS_ERR_LIMIT':
      return { code: 4007, details };
    default:
      return { code: 3002, details };
  }
}

/**
 * A DeliveryReportReq's MMStatus as a report outcome. Retrieved: the phone has it. Expired, Rejected,
 * Unrecognised (the MMSC does not know the message), Deleted and DeliveryConditionNotMet are final
 * failures. Deferred, Forwarded and Indeterminate (and anything unknown) change nothing yet.
 */
export function reportOutcome(mmStatus: string): DeliveryReport['outcome'] {
  switch (mmStatus.trim().toLowerCase()) {
    case 'retrieved':
      return 'delivered';
    case 'expired':
    case 'rejected':
    case 'unrecognised':
    case 'unrecognized':
    case 'deleted':
    case 'deliveryconditionnotmet':
      return 'undeliverable';
    default:
      return 'pending';
  }
}

/** A ReadReplyReq's MMStatus in words for the message's history (the message stays delivered). */
export function readReplyDetail(mmStatus: string): string {
  switch (mmStatus.trim().toLowerCase()) {
    case 'read':
      return 'read';
    case 'deleted':
      return 'deleted without being read';
    default:
      return `read status ${mmStatus.trim() || 'indeterminate'}`;
  }
}
