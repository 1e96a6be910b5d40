// decodeMms: an MMS PDU (OMA-MMS-ENC 1.0-1.3 over WSP encoding) into MmsPdu. Total: any octets give a
// PDU or an MmsError naming the field and offset; work is linear in the input, parts are slices of it.
import { charsetName, decodeText } from './charset.ts';
import { readContentType } from './content-type.ts';
import { MmsError } from './errors.ts';
import { decodeMultipart } from './multipart.ts';
import { hex, WspReader } from './reader.ts';
import { BODY_TYPES, FIELD_BY_CODE, MESSAGE_CLASSES, type FieldDef } from './tables.ts';
import type { MmsAddress, MmsPdu, MmsTime } from './types.ts';

export function decodeMms(input: Uint8Array): MmsPdu {
  if (!(input instanceof Uint8Array)) throw new MmsError(`an MMS PDU is octets (a Buffer), not ${typeof input}`, { field: 'input', offset: 0 });
  const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const r = new WspReader(bytes);
  if (bytes[0] !== 0x8c) {
    const found = bytes.length === 0 ? 'the input is empty' : `offset 0 holds 0x${hex(bytes[0]!)}`;
    throw new MmsError(`not an MMS PDU: ${found}, X-Mms-Message-Type (0x8C) expected at offset 0`, { field: 'X-Mms-Message-Type', offset: 0 });
  }
  const pdu: Record<string, unknown> = {};
  while (r.remaining > 0) {
    const at = r.offset;
    const b = r.peek()!;
    if (b >= 0x80) {
      r.offset++;
      const def = FIELD_BY_CODE.get(b & 0x7f);
      const name = def?.name ?? `header 0x${hex(b)}`;
      const value = r.value(name);
      if (!def) {
        push(pdu, 'unknownHeaders', { field: b & 0x7f, value: value.bytes.subarray(value.offset, value.end) });
        continue;
      }
      readField(pdu, def, value);
      if (def.key === 'contentType') break;
    } else if (b >= 0x20 && b < 0x7f) {
      // Application-header: Token-text Application-specific-value (Text-string).
      const name = r.textString('application header name');
      const value = r.value(`application header ${name}`);
      push(pdu, 'unknownHeaders', { field: name, value: value.bytes.subarray(value.offset, value.end) });
    } else {
      r.fail(`header field expected, found 0x${hex(b)}`, 'header', at);
    }
  }
  if (pdu.messageType === undefined) r.fail('X-Mms-Message-Type missing', 'X-Mms-Message-Type', 0);
  if (r.remaining > 0 || (pdu.contentType && BODY_TYPES.has(pdu.messageType as string))) {
    if (BODY_TYPES.has(pdu.messageType as string) && pdu.contentType) {
      pdu.parts = decodeMultipart(r, pdu.contentType as MmsPdu['contentType'] & object);
    } else {
      pdu.body = r.bytes.subarray(r.offset, r.end);
    }
  }
  return pdu as unknown as MmsPdu;
}

function push(pdu: Record<string, unknown>, key: string, value: unknown): void {
  const list = (pdu[key] ??= []) as unknown[];
  list.push(value);
}

function readField(pdu: Record<string, unknown>, def: FieldDef, r: WspReader): void {
  const field = def.name;
  switch (def.kind) {
    case 'text':
      pdu[def.key] = r.textString(field);
      return;
    case 'esv':
      pdu[def.key] = encodedString(r, field);
      return;
    case 'address':
      push(pdu, def.key, address(encodedString(r, field)));
      return;
    case 'from': {
      const inner = r.lengthValue(field);
      const token = inner.octet(field);
      if (token === 0x80) pdu.from = address(encodedString(inner, field));
      else if (token === 0x81) pdu.fromInsertAddress = true;
      else inner.fail(`Address-present-token (0x80) or Insert-address-token (0x81) expected, found 0x${hex(token)}`, field, inner.offset - 1);
      return;
    }
    case 'long':
      pdu[def.key] = r.longInteger(field);
      return;
    case 'integer':
      pdu[def.key] = r.integerValue(field);
      return;
    case 'date':
      pdu[def.key] = date(r, field);
      return;
    case 'yesno': {
      const b = r.octet(field);
      if (b !== 0x80 && b !== 0x81) r.fail(`Yes (0x80) or No (0x81) expected, found 0x${hex(b)}`, field, r.offset - 1);
      pdu[def.key] = b === 0x80;
      return;
    }
    case 'octet': {
      const b = r.octet(field);
      if (b < 0x80) r.fail(`a well-known value (0x80 and up) expected, found 0x${hex(b)}`, field, r.offset - 1);
      const name = def.values?.[b - 0x80];
      if (def.key === 'messageType' && name === undefined) r.fail(`unknown message type 0x${hex(b)}`, field, r.offset - 1);
      pdu[def.key] = name ?? b;
      return;
    }
    case 'time':
      pdu[def.key] = time(r, field);
      return;
    case 'version': {
      const b = r.peek()!;
      if (b < 0x80) {
        pdu[def.key] = r.textString(field);
        return;
      }
      r.offset++;
      const minor = b & 0x0f;
      pdu[def.key] = `${(b & 0x70) >> 4}.${minor === 0x0f ? 0 : minor}`;
      return;
    }
    case 'class': {
      const b = r.peek()!;
      if (b >= 0x80) {
        r.offset++;
        pdu[def.key] = MESSAGE_CLASSES[b - 0x80] ?? r.fail(`unknown message class 0x${hex(b)}`, field, r.offset - 1);
      } else pdu[def.key] = r.textString(field);
      return;
    }
    case 'contentType':
      pdu[def.key] = readContentType(r, field);
      return;
    case 'raw':
      push(pdu, def.key, r.bytes.subarray(r.offset, r.end));
      return;
    case 'composite':
      composite(pdu, def, r);
      return;
  }
}

const FLAG_ACTIONS = ['add', 'remove', 'filter'] as const;

function composite(pdu: Record<string, unknown>, def: FieldDef, r: WspReader): void {
  const field = def.name;
  if (def.key === 'attributes') {
    const b = r.octet(field);
    if (b < 0x80) r.fail(`a header field code expected, found 0x${hex(b)}`, field, r.offset - 1);
    push(pdu, def.key, FIELD_BY_CODE.get(b & 0x7f)?.key ?? b & 0x7f);
    return;
  }
  const inner = r.lengthValue(field);
  switch (def.key) {
    case 'previouslySentBy': {
      const count = inner.integerValue(`${field} forward count`);
      push(pdu, def.key, { count, address: address(encodedString(inner, field)) });
      return;
    }
    case 'previouslySentDate': {
      const count = inner.integerValue(`${field} forward count`);
      push(pdu, def.key, { count, date: date(inner, field) });
      return;
    }
    case 'mmFlags': {
      const token = inner.octet(field);
      const action = FLAG_ACTIONS[token - 0x80];
      if (!action) inner.fail(`Add (0x80), Remove (0x81) or Filter (0x82) expected, found 0x${hex(token)}`, field, inner.offset - 1);
      push(pdu, def.key, { action, flag: encodedString(inner, field) });
      return;
    }
    default: {
      // Totals and Quotas: Message-total-token (0x80) or Size-total-token (0x81), then an Integer-value.
      const token = inner.octet(field);
      if (token !== 0x80 && token !== 0x81) inner.fail(`Messages (0x80) or Bytes (0x81) expected, found 0x${hex(token)}`, field, inner.offset - 1);
      const counts = (pdu[def.key] ??= {}) as Record<string, number>;
      counts[token === 0x80 ? 'messages' : 'bytes'] = inner.integerValue(field);
    }
  }
}

/** Encoded-string-value: a Text-string, or Value-length Char-set Text-string. */
export function encodedString(r: WspReader, field: string): string {
  const b = r.peek();
  if (b === undefined) return r.fail('value missing', field);
  if (b >= 0x20) return r.textString(field);
  if (b === 0) {
    r.offset++; // an empty Text-string: its NUL alone
    return '';
  }
  const inner = r.lengthValue(field);
  const mib = inner.integerValue(`${field} charset`);
  const charset = charsetName(mib === 0 ? 106 : mib);
  // The length bounds the text, so UTF-16 (whose octets include NULs) is read whole; the terminating
  // NUL (two for UTF-16) and a 0x7F quote are dropped.
  let text = inner.bytes.subarray(inner.offset, inner.end);
  if (text[0] === 0x7f) text = text.subarray(1);
  const wide = /^(utf-16|iso-10646-ucs-2)/.test(charset);
  if (wide && text.length % 2 === 0 && text.length >= 2 && text[text.length - 1] === 0 && text[text.length - 2] === 0) text = text.subarray(0, -2);
  else if (text[text.length - 1] === 0) text = text.subarray(0, -1);
  return decodeText(text, charset);
}

const MAX_SECONDS = 8.64e12; // the largest date a JavaScript Date holds

function date(r: WspReader, field: string): Date {
  const at = r.offset;
  const seconds = r.longInteger(field);
  if (seconds > MAX_SECONDS) r.fail('date out of range', field, at);
  return new Date(seconds * 1000);
}

function time(r: WspReader, field: string): MmsTime {
  const inner = r.lengthValue(field);
  const token = inner.octet(field);
  if (token === 0x80) return { absolute: date(inner, field) };
  if (token === 0x81) return { relativeSeconds: inner.integerValue(field) };
  return inner.fail(`Absolute-token (0x80) or Relative-token (0x81) expected, found 0x${hex(token)}`, field, inner.offset - 1);
}

/** `+4712345678/TYPE=PLMN` -> a phone number; IPv4/IPv6 likewise; an address with @ is e-mail. */
export function address(raw: string): MmsAddress {
  const m = /^(.*)\/TYPE=([^/]*)$/i.exec(raw);
  if (m) {
    const kind = m[2]!.toUpperCase();
    const type = kind === 'PLMN' ? 'PLMN' : kind === 'IPV4' ? 'IPv4' : kind === 'IPV6' ? 'IPv6' : 'other';
    return { address: m[1]!, type, raw };
  }
  return { address: raw, type: raw.includes('@') ? 'email' : 'other', raw };
}
