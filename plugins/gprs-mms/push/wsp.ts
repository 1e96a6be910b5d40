// WSP's general encoding rules (WAP-230-WSP §8.4.2.1-8.4.2.3) as a bounded reader: every read checks the
// end it may not pass, so a damaged length can only produce a WapPushError naming the offset, never a read
// past the data or a loop that does not advance.
import { WapPushError } from './errors.ts';

/** Value-length 31 is followed by a uintvar length; 0-30 are the length themselves. */
const LENGTH_QUOTE = 31;
/** A Text-string starting with an octet >= 128 is preceded by this quote. */
const TEXT_QUOTE = 127;

export class WspReader {
  constructor(
    readonly data: Buffer,
    public pos: number,
    /** Reads stop here: the end of the buffer, or of the enclosing length-prefixed field. */
    readonly end: number,
  ) {}

  fail(reason: string, at = this.pos): never {
    throw new WapPushError(at, reason);
  }

  get left(): number {
    return this.end - this.pos;
  }

  peek(what: string): number {
    if (this.pos >= this.end) this.fail(`${what} expected, found the end of the data`);
    return this.data[this.pos]!;
  }

  octet(what: string): number {
    const b = this.peek(what);
    this.pos++;
    return b;
  }

  /** A reader for the next `length` octets, and this one moved past them. */
  take(length: number, what: string): WspReader {
    if (length > this.left) this.fail(`${what} is ${length} octets long but only ${this.left} remain`);
    const sub = new WspReader(this.data, this.pos, this.pos + length);
    this.pos += length;
    return sub;
  }

  /** uintvar (§8.1.2): 7 bits an octet, high bit set on all but the last; at most 5 octets, at most 32 bits. */
  uintvar(what: string): number {
    const start = this.pos;
    let value = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.octet(what);
      value = value * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) {
        if (value > 0xffffffff) this.fail(`${what} is a uintvar above 32 bits`, start);
        return value;
      }
    }
    return this.fail(`${what} is a uintvar longer than 5 octets`, start);
  }

  /** Value-length (§8.4.2.2): Short-length, or Length-quote and a uintvar. */
  valueLength(what: string): number {
    const b = this.octet(what);
    if (b < LENGTH_QUOTE) return b;
    if (b === LENGTH_QUOTE) return this.uintvar(what);
    return this.fail(`${what}: a value length expected, found 0x${hex(b)}`, this.pos - 1);
  }

  /** Text-string / Token-text (§8.4.2.1): octets up to a NUL, a leading quote 127 dropped. */
  text(what: string): string {
    const start = this.pos;
    const found = this.data.subarray(this.pos, this.end).indexOf(0);
    if (found < 0) this.fail(`${what}: a text without its terminating NUL`, start);
    const nul = this.pos + found;
    let from = this.pos;
    if (this.data[from] === TEXT_QUOTE) from++;
    this.pos = nul + 1;
    return this.data.toString('latin1', from, nul);
  }

  /** Integer-value (§8.4.2.3): Short-integer (0x80 | n), or Long-integer (Short-length then 1-30 octets). */
  integer(what: string): number {
    const start = this.pos;
    const b = this.octet(what);
    if (b & 0x80) return b & 0x7f;
    if (b === 0 || b > 30) this.fail(`${what}: an integer expected, found 0x${hex(b)}`, start);
    // Numbers beyond 48 bits are not something a push header carries; refuse rather than lose precision.
    if (b > 6) this.fail(`${what}: a ${b}-octet integer is too long`, start);
    const bytes = this.take(b, what);
    return bytes.data.readUIntBE(bytes.pos, b);
  }

  /**
   * Skip one value by the general rules that let a receiver pass over what it does not know (§8.4.1.2):
   * 0-30 and 31 are length-prefixed, 32-127 start a text, 128-255 are a one-octet short integer.
   */
  skipValue(what: string): void {
    const b = this.peek(what);
    if (b <= LENGTH_QUOTE) this.take(this.valueLength(what), what);
    else if (b < 0x80) this.text(what);
    else this.pos++;
  }
}

export function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}
