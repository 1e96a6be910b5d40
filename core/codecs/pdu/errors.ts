// One error class for the whole PDU codec, so a caller (the modem plug-in, a CLI) can tell a
// malformed or unencodable PDU from any other failure by its code alone.
import { brand, hasBrand, isInstance } from '../../brand.ts';

export interface PduErrorDetails {
  /** The 23.040 field name (TP-UDL, TP-OA, ...) or the encoder option at fault. */
  field?: string;
  /** Octet offset into the PDU as given, SMSC prefix included, so it matches a hex dump. */
  offset?: number;
}

export class PduError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isInstance(this, PduError, value, PDU_ERROR);
  }

  readonly code = 'NOWSMS_ERR_PDU';
  readonly field: string | undefined;
  readonly offset: number | undefined;

  constructor(message: string, details: PduErrorDetails = {}) {
    super(message);
    this.name = 'PduError';
    this.field = details.field;
    this.offset = details.offset;
  }
}

const PDU_ERROR = brand(PduError, 'PduError');

export function isPduError(e: unknown): e is PduError {
  return hasBrand(e, PDU_ERROR);
}
