// WSP multipart (WAP-230-WSP 8.5): a uintvar entry count, then per entry the lengths of its headers and
// data, its content type, its headers, its data. Parts are slices of the PDU, never copies.
import { readContentType, readParams } from './content-type.ts';
import { hex, WspReader } from './reader.ts';
import { PART_HEADERS } from './tables.ts';
import type { MmsContentType, MmsPart, RawHeader } from './types.ts';

const MULTIPART = /^(application\/vnd\.wap\.multipart\.|multipart\/)/;

export function decodeMultipart(r: WspReader, contentType: MmsContentType): MmsPart[] {
  if (!MULTIPART.test(contentType.mediaType)) {
    // A single-part body: the whole body is the one part.
    return [partOf(contentType, r.bytes.subarray(r.offset, r.end))];
  }
  if (r.remaining === 0) return [];
  const at = r.offset;
  const count = r.uintvar('multipart entry count');
  // Every entry takes at least three octets (two lengths, a content type): a larger count is a lie.
  if (count * 3 > r.remaining) r.fail(`${count} entries cannot fit in the ${r.remaining} octets left`, 'multipart entry count', at);
  const parts: MmsPart[] = [];
  for (let i = 0; i < count; i++) {
    const field = `multipart entry ${i + 1}`;
    const headersLength = r.uintvar(`${field} headers length`);
    const dataLength = r.uintvar(`${field} data length`);
    const headers = r.sub(headersLength, `${field} headers`);
    const data = r.take(dataLength, `${field} data`);
    parts.push(readPart(headers, data, field));
  }
  return parts;
}

function readPart(h: WspReader, data: Buffer, field: string): MmsPart {
  const contentType = readContentType(h.value(`${field} content type`), `${field} content type`);
  const part = partOf(contentType, data);
  const other: RawHeader[] = [];
  while (h.remaining > 0) {
    const at = h.offset;
    const b = h.peek()!;
    if (b >= 0x80) {
      h.offset++;
      const name = PART_HEADERS.get(b & 0x7f);
      const value = h.value(`${field} ${name ?? `header 0x${hex(b)}`}`);
      if (name) partHeader(part, name, value, `${field} ${name}`, false);
      else other.push({ field: b & 0x7f, value: value.bytes.subarray(value.offset, value.end) });
    } else if (b === 0x7f) {
      h.offset++; // Shift-delimiter and its page: the headers after it are on a code page we do not know.
      h.octet(`${field} header code page`);
    } else if (b >= 0x01 && b <= 0x1e) {
      h.offset++; // Short-cut-shift-delimiter
    } else if (b >= 0x20) {
      const name = h.textString(`${field} header name`);
      const value = h.value(`${field} header ${name}`);
      const known = ['Content-ID', 'Content-Location', 'Content-Disposition'].find((n) => n.toLowerCase() === name.toLowerCase());
      if (known) partHeader(part, known, value, `${field} ${known}`, true);
      else other.push({ field: name, value: value.bytes.subarray(value.offset, value.end) });
    } else {
      h.fail(`header field expected, found 0x${hex(b)}`, `${field} header`, at);
    }
  }
  if (other.length > 0) part.otherHeaders = other;
  part.name ??= part.params?.filename ?? part.contentLocation;
  if (part.name === undefined) delete part.name;
  return part;
}

function partOf(contentType: MmsContentType, data: Buffer): MmsPart {
  const charset = contentType.params.charset;
  const part: MmsPart = {
    contentType: charset && charset !== '*' ? `${contentType.mediaType}; charset=${charset}` : contentType.mediaType,
    data,
  };
  if (charset && charset !== '*') part.charset = charset;
  if (contentType.params.name !== undefined) part.name = contentType.params.name;
  if (Object.keys(contentType.params).length > 0) part.params = contentType.params;
  return part;
}

function partHeader(part: MmsPart, name: string, r: WspReader, field: string, textual: boolean): void {
  switch (name) {
    case 'Content-ID':
      part.contentId = r.textString(field, true).replace(/^<|>$/g, '');
      return;
    case 'Content-Location':
      part.contentLocation = r.textString(field, true);
      return;
    case 'Content-Disposition': {
      if (textual) {
        // "attachment; filename=x.jpg" as text
        const [disposition, ...rest] = r.textString(field, true).split(';');
        part.disposition = disposition!.trim().toLowerCase();
        for (const p of rest) {
          const m = /^\s*(filename|name)\s*=\s*"?([^"]*)"?\s*$/i.exec(p);
          if (m) part.name ??= m[2];
        }
        return;
      }
      const b = r.peek();
      if (b !== undefined && b >= 0x20) {
        part.disposition = b >= 0x80 ? dispositionName(r.octet(field)) : r.textString(field, true).toLowerCase();
        return;
      }
      const inner = r.lengthValue(field);
      const d = inner.peek();
      if (d === undefined) return;
      part.disposition = d >= 0x80 ? dispositionName(inner.octet(field)) : inner.textString(field, true).toLowerCase();
      const params = readParams(inner, field);
      part.name ??= params.filename ?? params.name;
      if (part.name === undefined) delete part.name;
      return;
    }
  }
}

function dispositionName(b: number): string {
  return ['form-data', 'attachment', 'inline'][b - 0x80] ?? `0x${hex(b)}`;
}
