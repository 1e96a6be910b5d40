// encodeMms: an MmsPdu (or a looser input: addresses as strings, parts as core Parts) into the octets
// OMA-MMS-ENC prescribes: X-Mms-Message-Type, X-Mms-Transaction-ID, X-Mms-MMS-Version first, Content-Type
// last, well-known codes wherever WSP has one.
import { MEDIA_TYPE } from './content-type.ts';
import { address as parseAddress } from './decode.ts';
import { MmsError } from './errors.ts';
import { WspWriter } from './writer.ts';
import { CHARSET_CODE, CONTENT_TYPE_CODE, FIELDS, FIELD_BY_KEY, MESSAGE_CLASSES, PARAM_CODE, BODY_TYPES, type FieldDef } from './tables.ts';
import type { MmsAddress, MmsContentType, MmsPart, MmsPdu, MmsTime, RawHeader } from './types.ts';
import type { Part } from '../../types.ts';

export type MmsPartInput = Part & Partial<Pick<MmsPart, 'contentLocation' | 'disposition' | 'params' | 'otherHeaders' | 'charset'>>;

export type MmsPduInput = Omit<MmsPdu, 'from' | 'to' | 'cc' | 'bcc' | 'parts' | 'contentType'> & {
  from?: MmsAddress | string;
  to?: (MmsAddress | string)[];
  cc?: (MmsAddress | string)[];
  bcc?: (MmsAddress | string)[];
  contentType?: MmsContentType | string;
  parts?: MmsPartInput[];
};

const FIRST = ['messageType', 'transactionId', 'mmsVersion'];

export function encodeMms(pdu: MmsPduInput): Buffer {
  const w = new WspWriter();
  const p = pdu as unknown as Record<string, unknown>;
  if (!pdu.messageType) throw new MmsError('messageType is required', { field: 'X-Mms-Message-Type' });
  const values = { ...p, mmsVersion: pdu.mmsVersion ?? '1.2' } as Record<string, unknown>;
  const order = [...FIRST.map((k) => FIELD_BY_KEY.get(k)!), ...FIELDS.filter((f) => !FIRST.includes(f.key) && f.key !== 'contentType')];
  for (const def of order) {
    if (def.key === 'from') {
      if (pdu.from !== undefined) {
        const inner = new WspWriter().octet(0x80);
        encodedString(inner, addressText(pdu.from), 'From');
        w.octet(0x89).lengthPrefixed(inner);
      } else if (pdu.fromInsertAddress || pdu.messageType === 'm-send-req') {
        w.octet(0x89).octet(1).octet(0x81);
      }
      continue;
    }
    const value = values[def.key];
    if (value === undefined) continue;
    if (def.kind === 'address' || def.kind === 'raw') {
      if (!Array.isArray(value)) throw new MmsError(`${def.key} must be a list`, { field: def.name });
      for (const v of value) {
        w.octet(0x80 | def.code);
        if (def.kind === 'raw') w.bytes(v as Buffer);
        else encodedString(w, addressText(v as MmsAddress | string), def.name);
      }
      continue;
    }
    if (def.kind === 'composite') {
      composite(w, def, value);
      continue;
    }
    w.octet(0x80 | def.code);
    field(w, def, value);
  }
  for (const h of pdu.unknownHeaders ?? []) rawHeader(w, h);
  const contentType = pdu.contentType ?? (pdu.parts ? defaultContentType(pdu.parts) : undefined);
  if (contentType !== undefined) {
    const ct = typeof contentType === 'string' ? parseContentType(contentType) : contentType;
    w.octet(0x84);
    writeContentType(w, ct, 'Content-Type');
    if (pdu.parts && BODY_TYPES.has(pdu.messageType)) writeBody(w, ct, pdu.parts);
  }
  if (pdu.body) w.bytes(pdu.body);
  return w.toBuffer();
}

function field(w: WspWriter, def: FieldDef, value: unknown): void {
  const name = def.name;
  switch (def.kind) {
    case 'text':
      w.textString(String(value), name);
      return;
    case 'esv':
      encodedString(w, String(value), name);
      return;
    case 'long':
      w.longInteger(Number(value), name);
      return;
    case 'integer':
      w.integerValue(Number(value), name);
      return;
    case 'date':
      w.longInteger(seconds(value, name), name);
      return;
    case 'yesno':
      w.octet(value ? 0x80 : 0x81);
      return;
    case 'octet': {
      if (typeof value === 'number') {
        if (value < 0x80 || value > 0xff) throw new MmsError(`${name}: ${value} is not an octet from 0x80`, { field: name });
        w.octet(value);
        return;
      }
      const i = def.values?.indexOf(String(value)) ?? -1;
      if (i < 0) throw new MmsError(`${name}: unknown value '${String(value)}'${def.values ? ` (one of ${def.values.join(', ')})` : ''}`, { field: name });
      w.octet(0x80 + i);
      return;
    }
    case 'time': {
      const t = value as MmsTime;
      const inner = new WspWriter();
      if ('absolute' in t) inner.octet(0x80).longInteger(seconds(t.absolute, name), name);
      else inner.octet(0x81).longInteger(t.relativeSeconds, name);
      w.lengthPrefixed(inner);
      return;
    }
    case 'version': {
      const m = /^(\d)\.(\d{1,2})$/.exec(String(value));
      if (!m || Number(m[1]) > 7 || Number(m[2]) > 14) throw new MmsError(`${name}: '${String(value)}' is not a version like 1.2`, { field: name });
      w.octet(0x80 | (Number(m[1]) << 4) | Number(m[2]));
      return;
    }
    case 'class': {
      const i = (MESSAGE_CLASSES as readonly string[]).indexOf(String(value).toLowerCase());
      if (i >= 0) w.octet(0x80 + i);
      else w.textString(String(value), name);
      return;
    }
    default:
      throw new MmsError(`${name}: cannot encode`, { field: name });
  }
}

function composite(w: WspWriter, def: FieldDef, value: unknown): void {
  const name = def.name;
  const header = (inner: WspWriter) => w.octet(0x80 | def.code).lengthPrefixed(inner);
  switch (def.key) {
    case 'previouslySentBy':
      for (const v of value as { count: number; address: MmsAddress | string }[]) {
        const inner = new WspWriter().integerValue(v.count, name);
        encodedString(inner, addressText(v.address), name);
        header(inner);
      }
      return;
    case 'previouslySentDate':
      for (const v of value as { count: number; date: Date }[]) header(new WspWriter().integerValue(v.count, name).longInteger(seconds(v.date, name), name));
      return;
    case 'mmFlags':
      for (const v of value as { action: string; flag: string }[]) {
        const token = ['add', 'remove', 'filter'].indexOf(v.action);
        if (token < 0) throw new MmsError(`${name}: action '${v.action}' is not add, remove or filter`, { field: name });
        const inner = new WspWriter().octet(0x80 + token);
        encodedString(inner, v.flag, name);
        header(inner);
      }
      return;
    case 'attributes':
      for (const v of value as (string | number)[]) {
        const code = typeof v === 'number' ? v : FIELD_BY_KEY.get(v)?.code;
        if (code === undefined || code < 0 || code > 0x7f) throw new MmsError(`${name}: '${String(v)}' is not a header field`, { field: name });
        w.octet(0x80 | def.code).octet(0x80 | code);
      }
      return;
    default: {
      const counts = value as { messages?: number; bytes?: number };
      if (counts.messages !== undefined) header(new WspWriter().octet(0x80).integerValue(counts.messages, name));
      if (counts.bytes !== undefined) header(new WspWriter().octet(0x81).integerValue(counts.bytes, name));
    }
  }
}

function seconds(value: unknown, field: string): number {
  const d = value instanceof Date ? value : new Date(String(value));
  const ms = d.getTime();
  if (!Number.isFinite(ms) || ms < 0) throw new MmsError(`${field}: '${String(value)}' is not a date from 1970 on`, { field });
  return Math.floor(ms / 1000);
}

function addressText(a: MmsAddress | string): string {
  if (typeof a !== 'string') return a.raw || rawAddress(a);
  const parsed = parseAddress(a);
  if (parsed.type !== 'other') return a;
  if (/^\+?[0-9*#]+$/.test(a)) return `${a}/TYPE=PLMN`;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(a)) return `${a}/TYPE=IPv4`;
  if (/^[0-9a-f]*:[0-9a-f:]*$/i.test(a)) return `${a}/TYPE=IPv6`;
  return a;
}

function rawAddress(a: MmsAddress): string {
  if (a.type === 'PLMN' || a.type === 'IPv4' || a.type === 'IPv6') return `${a.address}/TYPE=${a.type}`;
  return a.address;
}

/** ASCII as a plain Text-string; anything else as UTF-8 with its MIBenum (106). */
function encodedString(w: WspWriter, text: string, field: string): void {
  // Plain only when the first octet cannot be read as a length (below 0x20) or a quote (0x7F).
  const first = text.charCodeAt(0);
  if (text === '' || (first >= 0x20 && first < 0x7f && /^\p{ASCII}*$/u.test(text))) {
    w.textString(text, field);
    return;
  }
  const data = Buffer.from(text, 'utf8');
  if (data.includes(0)) throw new MmsError(`${field}: text holds a NUL, which WSP text cannot carry`, { field });
  // Bounded by its length, this text may start with any octet; a leading 0x7F gets its quote.
  const inner = new WspWriter().octet(0x80 | 106);
  if (data[0] === 0x7f) inner.octet(0x7f);
  inner.bytes(data).octet(0);
  w.lengthPrefixed(inner);
}

function rawHeader(w: WspWriter, h: RawHeader): void {
  if (typeof h.field === 'number') w.octet(0x80 | h.field);
  else w.textString(h.field, 'application header');
  w.bytes(h.value);
}

/** `text/plain; charset=utf-8; name="a.txt"` -> media type and parameters. */
export function parseContentType(text: string): MmsContentType {
  const [media, ...rest] = text.split(';');
  const params: Record<string, string> = {};
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    params[p.slice(0, eq).trim().toLowerCase()] = p
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
  }
  return { mediaType: media!.trim().toLowerCase(), params };
}

function mediaCode(mediaType: string): number | undefined {
  const known = CONTENT_TYPE_CODE.get(mediaType.toLowerCase());
  if (known !== undefined) return known;
  const m = /^application\/x-wsp-0x([0-9a-f]{2})$/i.exec(mediaType);
  return m ? parseInt(m[1]!, 16) : undefined;
}

function writeContentType(w: WspWriter, ct: MmsContentType, fieldName: string): void {
  const code = mediaCode(ct.mediaType);
  if (code === undefined && !MEDIA_TYPE.test(ct.mediaType))
    throw new MmsError(`${JSON.stringify(ct.mediaType.slice(0, 40))} is not a media type`, { field: fieldName });
  const params = Object.entries(ct.params);
  if (params.length === 0) {
    if (code !== undefined) w.integerValue(code, fieldName);
    else w.textString(ct.mediaType, fieldName);
    return;
  }
  const inner = new WspWriter();
  if (code !== undefined) inner.integerValue(code, fieldName);
  else inner.textString(ct.mediaType, fieldName);
  for (const [name, value] of params) writeParam(inner, name, value, `${fieldName} parameter ${name}`);
  w.lengthPrefixed(inner);
}

function writeParam(w: WspWriter, name: string, value: string, field: string): void {
  const code = PARAM_CODE.get(name);
  if (code === undefined) {
    const m = /^param-0x([0-9a-f]{2})$/i.exec(name);
    if (m) w.integerValue(parseInt(m[1]!, 16), field);
    else w.textString(name, field);
    if (value === '') w.octet(0);
    else w.textString(value, field);
    return;
  }
  w.octet(0x80 | code);
  if (name === 'charset') {
    const mib = CHARSET_CODE.get(value.toLowerCase()) ?? (/^mib-(\d+)$/.exec(value) ? Number(value.slice(4)) : undefined);
    if (value === '*') w.octet(0x80);
    else if (mib !== undefined) w.integerValue(mib, field);
    else w.textString(value, field);
  } else if (name === 'type') {
    const t = mediaCode(value);
    if (t !== undefined && t < 128) w.octet(0x80 | t);
    else w.textString(value, field);
  } else {
    w.textString(value, field);
  }
}

function defaultContentType(parts: readonly MmsPartInput[]): MmsContentType {
  const smil = parts.find((p) => p.contentType.toLowerCase().startsWith('application/smil'));
  if (!smil) return { mediaType: 'application/vnd.wap.multipart.mixed', params: {} };
  const params: Record<string, string> = {};
  if (smil.contentId) params.start = `<${smil.contentId}>`;
  params.type = 'application/smil';
  return { mediaType: 'application/vnd.wap.multipart.related', params };
}

function writeBody(w: WspWriter, ct: MmsContentType, parts: readonly MmsPartInput[]): void {
  if (!/^(application\/vnd\.wap\.multipart\.|multipart\/)/.test(ct.mediaType)) {
    if (parts.length !== 1) throw new MmsError(`a ${ct.mediaType} body holds one part, ${parts.length} given`, { field: 'Content-Type' });
    w.bytes(parts[0]!.data);
    return;
  }
  w.uintvar(parts.length);
  parts.forEach((part, i) => {
    const field = `part ${i + 1}`;
    const parsed = parseContentType(part.contentType);
    const params = { ...(part.params ?? {}), ...parsed.params };
    if (part.charset && !params.charset) params.charset = part.charset;
    if (part.name !== undefined && params.name === undefined && params.filename === undefined) params.name = part.name;
    const h = new WspWriter();
    writeContentType(h, { mediaType: parsed.mediaType, params: orderParams(params) }, `${field} content type`);
    if (part.contentId !== undefined) h.octet(0xc0).textString(`<${part.contentId.replace(/^<|>$/g, '')}>`, `${field} Content-ID`, true);
    const location = part.contentLocation ?? part.name;
    if (location !== undefined) h.octet(0x8e).textString(location, `${field} Content-Location`);
    for (const o of part.otherHeaders ?? []) rawHeader(h, o);
    w.uintvar(h.length).uintvar(part.data.length).writer(h).bytes(part.data);
  });
}

/** Charset first, as handsets write it. */
function orderParams(params: Record<string, string>): Record<string, string> {
  const { charset, ...rest } = params;
  return charset === undefined ? rest : { charset, ...rest };
}
