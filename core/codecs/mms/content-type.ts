// Content-type-value (WSP 8.4.2.24) and its parameters (8.4.2.4), shared by the PDU and its parts.
import { charsetName } from './charset.ts';
import { hex, type WspReader } from './reader.ts';
import { CONTENT_TYPES, PARAMS } from './tables.ts';
import type { MmsContentType } from './types.ts';

export function wellKnownType(code: number): string {
  return CONTENT_TYPES[code] ?? `application/x-wsp-0x${hex(code)}`;
}

/** Reads a whole Content-type-value; `r` covers exactly the value (found by the generic rules). */
export function readContentType(r: WspReader, field: string): MmsContentType {
  const b = r.peek();
  if (b === undefined) return r.fail('empty content type', field);
  if (b >= 0x80) {
    r.offset++;
    return { mediaType: wellKnownType(b & 0x7f), params: {} };
  }
  if (b >= 0x20) return { mediaType: mediaTypeText(r, field), params: {} };
  const inner = r.lengthValue(field);
  const m = inner.peek();
  let mediaType: string;
  if (m === undefined) return inner.fail('content type has no media type', field);
  if (m >= 0x80 || m <= 30) mediaType = wellKnownType(inner.integerValue(field));
  else mediaType = mediaTypeText(inner, field);
  return { mediaType, params: readParams(inner, field) };
}

/** RFC 6838's type/subtype names (and `*` for a wildcard): what a text media type must be to be written again. */
export const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/(?:\*|[a-z0-9][a-z0-9!#$&^_.+-]*)$/;

/** A media type given as text, lower-cased; anything that is not one (control octets, no slash) is refused. */
function mediaTypeText(r: WspReader, field: string): string {
  const at = r.offset;
  const t = r.textString(field).trim().toLowerCase();
  if (!MEDIA_TYPE.test(t)) r.fail(`${JSON.stringify(t.slice(0, 40))} is not a media type`, field, at);
  return t;
}

/** Parameters until the reader's end. */
export function readParams(r: WspReader, field: string): Record<string, string> {
  const params: Record<string, string> = {};
  while (r.remaining > 0) {
    const b = r.peek()!;
    if (b >= 0x80 || b <= 30) {
      const code = r.integerValue(`${field} parameter`);
      const name = PARAMS.get(code) ?? `param-0x${hex(code)}`;
      params[name] = typedValue(r, code, `${field} parameter ${name}`);
    } else {
      const name = r.textString(`${field} parameter`).toLowerCase();
      params[name] = untypedValue(r, `${field} parameter ${name}`);
    }
  }
  return params;
}

function typedValue(r: WspReader, code: number, field: string): string {
  const b = r.peek();
  if (b === undefined) return r.fail('parameter has no value', field);
  switch (code) {
    case 0x01: // Charset: Well-known-charset (Integer-value, 0x80 = any) or, from some phones, text
      if (b >= 0x80 || b <= 30) return charsetName(r.integerValue(field));
      return r.textString(field, true).toLowerCase();
    case 0x03: // Type (WSP 1.1): Integer-value
      if (b >= 0x80 || b <= 30) return wellKnownType(r.integerValue(field));
      return r.textString(field, true).toLowerCase();
    case 0x09: // Type (multipart related): Constrained-encoding
      if (b >= 0x80) return wellKnownType(r.integerValue(field));
      return r.textString(field, true).toLowerCase();
    case 0x00: // Q-value
      return String(r.uintvar(field));
    default:
      return untypedValue(r, field);
  }
}

/** Integer-value | Text-value (No-value, Token-text, Quoted-string). */
function untypedValue(r: WspReader, field: string): string {
  const b = r.peek();
  if (b === undefined) return r.fail('parameter has no value', field);
  if (b === 0) {
    r.offset++;
    return '';
  }
  if (b >= 0x80 || b <= 30) return String(r.integerValue(field));
  return r.textString(field, true);
}
