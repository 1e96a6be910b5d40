// A cursor over WSP-encoded octets (WAP-230-WSP 8.4.2) whose every read names the field it is for, so a
// PDU cut short or malformed fails with an MmsError saying which field and at what offset. Every length
// is checked against the octets left before anything is sliced, so a hostile length costs nothing.
import { decodeTextString } from './charset.ts';
import { MmsError } from './errors.ts';

export class WspReader {
  offset: number;
  readonly end: number;

  constructor(
    readonly bytes: Buffer,
    start = 0,
    end = bytes.length,
  ) {
    this.offset = start;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  fail(message: string, field: string, offset = this.offset): never {
    throw new MmsError(`${field}: ${message} at offset ${offset}`, { field, offset });
  }

  peek(): number | undefined {
    return this.offset < this.end ? this.bytes[this.offset] : undefined;
  }

  octet(field: string): number {
    if (this.offset >= this.end) this.fail('the value ends before this octet', field);
    return this.bytes[this.offset++]!;
  }

  take(count: number, field: string): Buffer {
    if (count > this.remaining) this.fail(`needs ${octets(count)} but only ${this.remaining} remain`, field);
    const out = this.bytes.subarray(this.offset, this.offset + count);
    this.offset += count;
    return out;
  }

  /** A reader over the next `count` octets, this one moved past them. */
  sub(count: number, field: string): WspReader {
    const start = this.offset;
    this.take(count, field);
    return new WspReader(this.bytes, start, start + count);
  }

  /** uintvar: 7 bits an octet, high bit set on all but the last; at most 5 octets (32 bits). */
  uintvar(field: string): number {
    const start = this.offset;
    let value = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.octet(field);
      value = value * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) {
        if (value > 0xffffffff) this.fail('uintvar larger than 32 bits', field, start);
        return value;
      }
    }
    return this.fail('uintvar longer than 5 octets', field, start);
  }

  /** Value-length: a short length (0-30) or 31 then a uintvar; checked against what is left. */
  valueLength(field: string): number {
    const start = this.offset;
    const b = this.octet(field);
    let length: number;
    if (b <= 30) length = b;
    else if (b === 31) length = this.uintvar(field);
    else return this.fail(`Value-length expected, found 0x${hex(b)}`, field, start);
    if (length > this.remaining) this.fail(`Value-length ${length} but only ${octets(this.remaining)} remain`, field, start);
    return length;
  }

  /** A Value-length and the reader over the octets it covers. */
  lengthValue(field: string): WspReader {
    const length = this.valueLength(field);
    return this.sub(length, field);
  }

  /** Long-integer: Short-length (1-30) then big-endian octets; larger than 2^53 is refused. */
  longInteger(field: string): number {
    const start = this.offset;
    const length = this.octet(field);
    if (length < 1 || length > 30) this.fail(`Long-integer length ${length} (1-30 expected)`, field, start);
    const octets = this.take(length, field);
    let value = 0;
    for (const b of octets) {
      value = value * 256 + b;
      if (value > Number.MAX_SAFE_INTEGER) this.fail('Long-integer too large', field, start);
    }
    return value;
  }

  /** Integer-value: Short-integer (one octet, high bit set) or Long-integer. */
  integerValue(field: string): number {
    const b = this.peek();
    if (b !== undefined && b >= 0x80) {
      this.offset++;
      return b & 0x7f;
    }
    return this.longInteger(field);
  }

  /**
   * Text-string: octets up to a NUL, a leading 0x7F quote dropped. With `quoted`, a Quoted-string's
   * leading '"' is dropped too (Text-value in parameters and part headers).
   */
  textString(field: string, quoted = false): string {
    return decodeTextString(this.textBytes(field, quoted));
  }

  textBytes(field: string, quoted = false): Buffer {
    const start = this.offset;
    // Searched within this value only, so a missing NUL costs the value's length, not the PDU's.
    const found = this.bytes.subarray(this.offset, this.end).indexOf(0);
    if (found < 0) this.fail('Text-string has no terminating NUL', field, start);
    const nul = this.offset + found;
    let from = this.offset;
    if (this.bytes[from] === 0x7f || (quoted && this.bytes[from] === 0x22)) from++;
    this.offset = nul + 1;
    return this.bytes.subarray(from, nul);
  }

  /**
   * The extent of one header value by WSP's generic rules (8.4.1.2): a short or uintvar length and its
   * octets, a text to its NUL, or one octet. Returns a reader over it.
   */
  value(field: string): WspReader {
    const start = this.offset;
    const b = this.octet(field);
    if (b >= 0x20 && b < 0x80) {
      this.offset = start;
      this.textBytes(field);
      return new WspReader(this.bytes, start, this.offset);
    }
    if (b >= 0x80) return new WspReader(this.bytes, start, this.offset);
    const length = b === 31 ? this.uintvar(field) : b;
    if (length > this.remaining) this.fail(`value length ${length} but only ${octets(this.remaining)} remain`, field, start);
    this.offset += length;
    return new WspReader(this.bytes, start, this.offset);
  }
}

export function hex(b: number): string {
  return b.toString(16).toUpperCase().padStart(2, '0');
}

function octets(n: number): string {
  return `${n} octet${n === 1 ? '' : 's'}`;
}
