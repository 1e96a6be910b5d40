// A cursor over PDU octets whose every read names the field it is for, so running out of
// octets produces an error that says which field was cut short and where.
import { PduError } from './errors.ts';

export class PduReader {
  offset = 0;

  constructor(readonly bytes: Buffer) {}

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  octet(field: string): number {
    const value = this.bytes[this.offset];
    if (value === undefined) {
      throw new PduError(`${field} expected at offset ${this.offset} but the PDU ends there`, { field, offset: this.offset });
    }
    this.offset += 1;
    return value;
  }

  take(count: number, field: string): Buffer {
    if (count > this.remaining) {
      throw new PduError(`${field} needs ${count} octet${count === 1 ? '' : 's'} at offset ${this.offset} but only ${this.remaining} remain`, {
        field,
        offset: this.offset,
      });
    }
    const out = this.bytes.subarray(this.offset, this.offset + count);
    this.offset += count;
    return out;
  }

  rest(): Buffer {
    const out = this.bytes.subarray(this.offset);
    this.offset = this.bytes.length;
    return out;
  }
}
