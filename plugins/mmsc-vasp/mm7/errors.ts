// What the codec throws for a request it will not read: the MM7 status to answer with and whether the
// answer is a SOAP Fault (nothing usable could be read) or the request's own Rsp carrying the status.
import { NowsmsError } from 'nowsms';
import type { Mm7Status } from './types.ts';
import { statusText } from './status.ts';

/** The request operations (SubmitReq, DeliverReq, ...) a matching Rsp can be built for. */
export type Mm7Operation = 'SubmitReq' | 'DeliverReq' | 'DeliveryReportReq' | 'ReadReplyReq';

export class Mm7Error extends NowsmsError {
  readonly status: Mm7Status;
  /** true: answer a SOAP Fault; false: answer the operation's Rsp with `status`. */
  readonly fault: boolean;
  /** The TransactionID read before the error, for the answer. */
  readonly transactionId: string | undefined;
  /** The request's operation when it was read before the error. */
  readonly operation: Mm7Operation | undefined;

  constructor(code: number, details: string, opts: { fault: boolean; transactionId?: string; operation?: Mm7Operation; cause?: unknown }) {
    super('NOWSMS_ERR_BAD_REQUEST', `MM7 ${code} ${statusText(code)}: ${details}`, { cause: opts.cause });
    this.name = 'Mm7Error';
    this.status = { code, text: statusText(code), details };
    this.fault = opts.fault;
    this.transactionId = opts.transactionId;
    this.operation = opts.operation;
  }
}

export function isMm7Error(e: unknown): e is Mm7Error {
  return e instanceof Error && e.name === 'Mm7Error' && typeof (e as Mm7Error).fault === 'boolean' && typeof (e as Mm7Error).status === 'object';
}
