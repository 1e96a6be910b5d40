// Coded errors: a stable code for scripts and tests, a message that tells the operator what to change.
// Recognise them with isNowsmsError / isSendError (or instanceof, which answers by brand here): see brand.ts.
import { brand, hasBrand, isInstance } from './brand.ts';

export type ErrorCode =
  | 'NOWSMS_ERR_CONFIG'
  | 'NOWSMS_ERR_PLUGIN'
  | 'NOWSMS_ERR_FROZEN'
  | 'NOWSMS_ERR_STORE'
  | 'NOWSMS_ERR_NO_STORE'
  | 'NOWSMS_ERR_USER'
  | 'NOWSMS_ERR_AUTH'
  | 'NOWSMS_ERR_AUTH_LOCKED'
  | 'NOWSMS_ERR_ADDRESS'
  | 'NOWSMS_ERR_TOO_LONG'
  | 'NOWSMS_ERR_TOO_BIG'
  | 'NOWSMS_ERR_CONTENT_TYPE'
  | 'NOWSMS_ERR_LIMIT'
  | 'NOWSMS_ERR_REJECTED'
  | 'NOWSMS_ERR_HOOK_TIMEOUT'
  | 'NOWSMS_ERR_SEND'
  | 'NOWSMS_ERR_USAGE'
  | 'NOWSMS_ERR_UNKNOWN_COMMAND'
  | 'NOWSMS_ERR_BAD_REQUEST'
  | 'NOWSMS_ERR_NOT_FOUND'
  | 'NOWSMS_ERR_CONFLICT'
  | 'NOWSMS_ERR_INTERNAL';

export class NowsmsError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isInstance(this, NowsmsError, value, NOWSMS_ERROR);
  }

  readonly code: ErrorCode;
  /** A temporary error may succeed if retried (SMTP 4xx); a permanent one will not (5xx). */
  readonly temporary: boolean;

  constructor(code: ErrorCode, message: string, opts: { temporary?: boolean; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'NowsmsError';
    this.code = code;
    this.temporary = opts.temporary ?? false;
  }
}

const NOWSMS_ERROR = brand(NowsmsError, 'NowsmsError');

/** A coded error from any copy of core (optionally of this code). */
export function isNowsmsError(e: unknown, code?: ErrorCode): e is NowsmsError {
  return hasBrand(e, NOWSMS_ERROR) && (code === undefined || (e as NowsmsError).code === code);
}

/** Thrown by Connection.send to tell the dispatcher how a send failed. */
export class SendError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isInstance(this, SendError, value, SEND_ERROR);
  }

  readonly failure: import('./types.ts').SendFailure;
  /** For 'throttled': how long to pause the connection. */
  readonly pauseMs: number | undefined;
  /**
   * For 'temporary': try again at this time instead of the retry schedule's, whatever `retry.maxAttempts`
   * says. For a connection that bounds its own retries (an MMS notification is fetched until it expires,
   * then the send fails permanently); the attempt is counted.
   */
  readonly retryAt: Date | undefined;

  constructor(failure: import('./types.ts').SendFailure, message: string, opts: { pauseMs?: number; retryAt?: Date; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'SendError';
    this.failure = failure;
    this.pauseMs = opts.pauseMs;
    this.retryAt = opts.retryAt;
  }
}

const SEND_ERROR = brand(SendError, 'SendError');

/** A classified send failure from any copy of core. */
export function isSendError(e: unknown): e is SendError {
  return hasBrand(e, SEND_ERROR);
}
