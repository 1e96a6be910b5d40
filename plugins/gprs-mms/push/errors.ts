// The one error a WAP push parser throws: a stable code, the offset where the bytes stopped making sense,
// and what was expected there. Recognised by its code (isWapPushError), so a copy of this module loaded
// twice still knows its own errors.

export const WAP_PUSH_ERROR_CODE = 'NOWSMS_ERR_WAP_PUSH';

export class WapPushError extends Error {
  readonly code = WAP_PUSH_ERROR_CODE;
  /** Offset in the push PDU (the SMS user data after the header) where parsing stopped. */
  readonly offset: number;

  constructor(offset: number, reason: string) {
    super(`WAP push refused at offset ${offset}: ${reason}`);
    this.name = 'WapPushError';
    this.offset = offset;
  }
}

export function isWapPushError(e: unknown): e is WapPushError {
  return e instanceof Error && (e as { code?: unknown }).code === WAP_PUSH_ERROR_CODE && typeof (e as { offset?: unknown }).offset === 'number';
}
