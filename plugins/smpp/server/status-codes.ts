// The gateway's coded errors as submit_sm_resp command_status. A temporary failure must read as one to
// the client (it retries), a permanent one must not be retried.
import smpp from 'smpp';
import { isNowsmsError } from 'nowsms';

export function submitStatus(err: unknown): number {
  if (!isNowsmsError(err)) return smpp.ESME_RSYSERR;
  switch (err.code) {
    case 'NOWSMS_ERR_ADDRESS':
      return smpp.ESME_RINVDSTADR;
    case 'NOWSMS_ERR_TOO_LONG':
      return smpp.ESME_RINVMSGLEN;
    // Out of credits, or over a daily/monthly limit: retrying within the session will not help.
    case 'NOWSMS_ERR_LIMIT':
      return smpp.ESME_RSUBMITFAIL;
    default:
      // 0x14 "message queue full" is what clients treat as "try again later" (store busy, hook timeout).
      return err.temporary ? smpp.ESME_RMSGQFUL : err.code === 'NOWSMS_ERR_REJECTED' ? smpp.ESME_RSUBMITFAIL : smpp.ESME_RSYSERR;
  }
}
