// Coded errors: a stable code for scripts and tests, a message that tells the operator what to change.

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
  | 'NOWSMS_ERR_LIMIT'
  | 'NOWSMS_ERR_REJECTED'
  | 'NOWSMS_ERR_HOOK_TIMEOUT'
  | 'NOWSMS_ERR_SEND'
  | 'NOWSMS_ERR_USAGE';

export class NowsmsError extends Error {
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

export function isNowsmsError(e: unknown, code?: ErrorCode): e is NowsmsError {
  return e instanceof NowsmsError && (code === undefined || e.code === code);
}

/** Thrown by Connection.send to tell the dispatcher how a send failed. */
export class SendError extends Error {
  readonly failure: import('./types.ts').SendFailure;
  /** For 'throttled': how long to pause the connection. */
  readonly pauseMs: number | undefined;

  constructor(failure: import('./types.ts').SendFailure, message: string, opts: { pauseMs?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'SendError';
    this.failure = failure;
    this.pauseMs = opts.pauseMs;
  }
}
