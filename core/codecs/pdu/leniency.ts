// Decoding has two audiences: a validator that wants every deviation from 23.040 to fail,
// and a receiver that would rather show a slightly damaged message than lose it (modems are
// known to report a TP-UDL larger than what they hand over). Recoverable problems go through
// here; in lenient mode they become warnings on the decoded PDU instead of exceptions.
import { PduError, type PduErrorDetails } from './errors.ts';

export class Leniency {
  readonly warnings: string[] = [];

  constructor(readonly lenient: boolean) {}

  problem(message: string, details: PduErrorDetails): void {
    if (!this.lenient) throw new PduError(message, details);
    this.warnings.push(message);
  }
}
