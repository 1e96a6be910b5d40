// SMTP replies for the gateway's verdicts. The reply text is what the user sees in their client's bounce
// or in swaks, so it carries the core's message (which names the limit or the address) unchanged.
// smtp-server's own enhanced status codes are off, because its table has one code per reply code; the
// enhanced code is written into the text here, where the reason is known.
import { isNowsmsError, type Logger } from 'nowsms';

export class SmtpReply extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'SmtpReply';
  }
}

export const reply = (code: number, text: string) => new SmtpReply(code, text);

export function replyFor(e: unknown, log: Logger): SmtpReply {
  if (e instanceof SmtpReply) return e;
  if (isNowsmsError(e)) {
    if (e.temporary) return reply(451, `${e.code === 'NOWSMS_ERR_LIMIT' ? '4.7.1' : '4.3.0'} ${e.message}`);
    switch (e.code) {
      case 'NOWSMS_ERR_TOO_LONG':
      case 'NOWSMS_ERR_TOO_BIG':
        return reply(552, `5.3.4 ${e.message}`);
      case 'NOWSMS_ERR_CONTENT_TYPE':
        return reply(554, `5.6.1 ${e.message}`);
      case 'NOWSMS_ERR_ADDRESS':
        return reply(550, `5.1.3 ${e.message}`);
      case 'NOWSMS_ERR_LIMIT':
      case 'NOWSMS_ERR_REJECTED':
        return reply(550, `5.7.1 ${e.message}`);
      default:
        log.error({ err: e }, 'smtp: message refused');
        return reply(554, `5.3.0 ${e.message}`);
    }
  }
  // An unexpected failure may be passing (a busy disk): the client keeps the mail and tries again.
  log.error({ err: e }, 'smtp: could not accept a message');
  return reply(451, '4.3.0 the gateway could not store the message, try again later');
}
