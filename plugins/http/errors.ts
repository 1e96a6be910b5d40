// One error type for every answer the HTTP interface refuses, and the map from core's codes to HTTP statuses.
import { isNowsmsError, type ErrorCode } from 'nowsms';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** A refused submission (pipeline, store) as an HTTP status: the sender's mistake 4xx, ours or a passing one 5xx. */
export function httpErrorOf(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (!isNowsmsError(err)) return new HttpError(500, 'NOWSMS_ERR_INTERNAL', 'the gateway could not handle this request (see its log)');
  // A daily or monthly limit reached is temporary: too many requests for now, not a server fault.
  if (err.temporary && err.code === 'NOWSMS_ERR_LIMIT') return new HttpError(429, err.code, err.message);
  if (err.temporary) return new HttpError(503, err.code, err.message, { 'retry-after': '30' });
  const status: Partial<Record<ErrorCode, number>> = {
    NOWSMS_ERR_ADDRESS: 400,
    NOWSMS_ERR_BAD_REQUEST: 400,
    NOWSMS_ERR_USAGE: 400,
    NOWSMS_ERR_USER: 400,
    NOWSMS_ERR_TOO_LONG: 400,
    NOWSMS_ERR_TOO_BIG: 413,
    NOWSMS_ERR_CONTENT_TYPE: 415,
    NOWSMS_ERR_LIMIT: 402,
    NOWSMS_ERR_REJECTED: 422,
    NOWSMS_ERR_NOT_FOUND: 404,
    NOWSMS_ERR_CONFLICT: 409,
    NOWSMS_ERR_AUTH: 401,
  };
  return new HttpError(status[err.code] ?? 500, err.code, err.message);
}
