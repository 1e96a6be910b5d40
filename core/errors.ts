// Coded errors: a stable code for scripts and tests, a message that tells the operator what to change.
// Recognise them with isNowsmsError / isSendError (or instanceof, which answers by brand here): see brand.ts.
import { brand, hasBrand, isInstance } from './brand.ts';

/**
 * The error codes, by name. A plug-in adds its own by declaration merging, so its errors are coded like core's:
 * `declare module 'nowsms' { interface ErrorCodes { MYPLUGIN_ERR_QUOTA: true } }`.
 */
export interface ErrorCodes {
  NOWSMS_ERR_CONFIG: true;
  NOWSMS_ERR_PLUGIN: true;
  NOWSMS_ERR_FROZEN: true;
  NOWSMS_ERR_STORE: true;
  NOWSMS_ERR_NO_STORE: true;
  NOWSMS_ERR_USER: true;
  NOWSMS_ERR_AUTH: true;
  NOWSMS_ERR_AUTH_LOCKED: true;
  NOWSMS_ERR_ADDRESS: true;
  NOWSMS_ERR_TOO_LONG: true;
  NOWSMS_ERR_TOO_BIG: true;
  NOWSMS_ERR_CONTENT_TYPE: true;
  NOWSMS_ERR_LIMIT: true;
  NOWSMS_ERR_REJECTED: true;
  NOWSMS_ERR_HOOK_TIMEOUT: true;
  NOWSMS_ERR_SEND: true;
  NOWSMS_ERR_USAGE: true;
  NOWSMS_ERR_UNKNOWN_COMMAND: true;
  NOWSMS_ERR_BAD_REQUEST: true;
  NOWSMS_ERR_NOT_FOUND: true;
  NOWSMS_ERR_CONFLICT: true;
  NOWSMS_ERR_INTERNAL: true;
}

export type ErrorCode = keyof ErrorCodes & string;

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
