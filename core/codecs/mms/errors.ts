// One error class for the binary MMS codec, so a caller (the MM1 client, the CLI) can tell a PDU it must
// refuse from any other failure by its code alone, and an operator can find the bad octet in a hex dump.
import { brand, hasBrand, isInstance } from '../../brand.ts';

export interface MmsErrorDetails {
  /** The field at fault as OMA-MMS-ENC or WSP names it (X-Mms-Expiry, uintvar, multipart entry 2, ...). */
  field?: string;
  /** Octet offset into the PDU as given. */
  offset?: number;
}

export class MmsError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isInstance(this, MmsError, value, MMS_ERROR);
  }

  readonly code = 'NOWSMS_ERR_MMS_PDU';
  readonly field: string | undefined;
  readonly offset: number | undefined;

  constructor(message: string, details: MmsErrorDetails = {}) {
    super(message);
    this.name = 'MmsError';
    this.field = details.field;
    this.offset = details.offset;
  }
}

const MMS_ERROR = brand(MmsError, 'MmsError');

export function isMmsError(e: unknown): e is MmsError {
  return hasBrand(e, MMS_ERROR);
}
