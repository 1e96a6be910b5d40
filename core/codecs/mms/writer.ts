// Builds WSP-encoded octets as a list of chunks, so part data is referenced, not copied, until the one
// final concatenation.
import { MmsError } from './errors.ts';

export class WspWriter {
  private chunks: Buffer[] = [];
  private small: number[] = [];
  length = 0;

  private flush(): void {
    if (this.small.length > 0) {
      this.chunks.push(Buffer.from(this.small));
      this.small = [];
    }
  }

  octet(b: number): this {
    this.small.push(b & 0xff);
    this.length++;
    return this;
  }

  bytes(data: Uint8Array): this {
    if (data.length < 64) {
      for (const b of data) this.small.push(b);
    } else {
      this.flush();
      this.chunks.push(Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    }
    this.length += data.length;
    return this;
  }

  uintvar(value: number): this {
    const groups = [value & 0x7f];
    for (let v = Math.floor(value / 128); v > 0; v = Math.floor(v / 128)) groups.unshift((v & 0x7f) | 0x80);
    for (const g of groups) this.octet(g);
    return this;
  }

  valueLength(length: number): this {
    if (length <= 30) return this.octet(length);
    return this.octet(31).uintvar(length);
  }

  /** Value-length then the octets another writer built. */
  lengthPrefixed(inner: WspWriter): this {
    this.valueLength(inner.length);
    return this.writer(inner);
  }

  writer(inner: WspWriter): this {
    inner.flush();
    this.flush();
    this.chunks.push(...inner.chunks);
    this.length += inner.length;
    return this;
  }

  longInteger(value: number, field: string): this {
    if (!Number.isSafeInteger(value) || value < 0) throw new MmsError(`${field}: ${value} is not a non-negative integer`, { field });
    const octets: number[] = [];
    for (let v = value; v > 0; v = Math.floor(v / 256)) octets.unshift(v % 256);
    if (octets.length === 0) octets.push(0);
    this.octet(octets.length);
    for (const o of octets) this.octet(o);
    return this;
  }

  integerValue(value: number, field: string): this {
    if (Number.isInteger(value) && value >= 0 && value < 128) return this.octet(0x80 | value);
    return this.longInteger(value, field);
  }

  /** Text-string: UTF-8 then NUL, with the 0x7F quote when the first octet has its high bit set. */
  textString(text: string, field: string, quoted = false): this {
    const data = Buffer.from(text, 'utf8');
    if (data.includes(0)) throw new MmsError(`${field}: text holds a NUL, which WSP text cannot carry`, { field });
    if (!quoted && data.length > 0 && data[0]! < 0x20)
      throw new MmsError(`${field}: text starts with a control character, which WSP reads as a length`, { field });
    if (quoted) this.octet(0x22);
    else if (data.length > 0 && data[0]! >= 0x7f) this.octet(0x7f); // a leading 0x7F would be read as the quote
    return this.bytes(data).octet(0);
  }

  toBuffer(): Buffer {
    this.flush();
    return this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.length);
  }
}
