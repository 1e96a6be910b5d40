// The JSON form of an MMS PDU (what `nowsms mms decode` prints and `nowsms mms encode` reads): addresses as
// their model strings, dates as ISO strings, raw octets as hex, each part with its size and, for text,
// its text; part data as base64 when asked for (and always accepted back).
import { decodeText } from './charset.ts';
import { MmsError } from './errors.ts';
import type { MmsPduInput, MmsPartInput } from './encode.ts';
import type { MmsAddress, MmsPart, MmsPdu, MmsTime } from './types.ts';

const ADDRESS_KEYS = ['to', 'cc', 'bcc'] as const;
const TIME_KEYS = ['expiry', 'deliveryTime', 'replyChargingDeadline'] as const;

/** Text a reader can show: text/*, SMIL and XML parts. */
export function isTextPart(part: Pick<MmsPart, 'contentType'>): boolean {
  const media = part.contentType.split(';')[0]!.trim().toLowerCase();
  return media.startsWith('text/') || media === 'application/smil' || media.endsWith('+xml') || media === 'application/xml';
}

export function mmsToJson(pdu: MmsPdu, opts: { data?: boolean } = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pdu)) {
    if (value === undefined || key === 'parts') continue;
    if (key === 'from') out.from = (value as MmsAddress).address;
    else if ((ADDRESS_KEYS as readonly string[]).includes(key)) out[key] = (value as MmsAddress[]).map((a) => a.address);
    else if (value instanceof Date) out[key] = value.toISOString();
    else if ((TIME_KEYS as readonly string[]).includes(key)) {
      const t = value as MmsTime;
      out[key] = 'absolute' in t ? { absolute: t.absolute.toISOString() } : t;
    } else out[key] = plain(value);
  }
  // The address types the plain strings lose (an e-mail, /TYPE=IPv4), for a reader who needs them.
  const addresses = [...(pdu.from ? [pdu.from] : []), ...ADDRESS_KEYS.flatMap((k) => pdu[k] ?? [])];
  if (addresses.length > 0) out.addressTypes = Object.fromEntries(addresses.map((a) => [a.address, a.type]));
  if (pdu.parts) {
    out.parts = pdu.parts.map((p) => {
      const part: Record<string, unknown> = { contentType: p.contentType, size: p.data.length };
      for (const k of ['name', 'contentId', 'contentLocation', 'charset', 'disposition'] as const) if (p[k] !== undefined) part[k] = p[k];
      if (p.params && Object.keys(p.params).some((k) => k !== 'charset' && k !== 'name')) part.params = p.params;
      if (isTextPart(p)) part.text = decodeText(p.data, p.charset ?? 'utf-8');
      if (opts.data) part.data = p.data.toString('base64');
      if (p.otherHeaders) part.otherHeaders = plain(p.otherHeaders);
      return part;
    });
  }
  return out;
}

function plain(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString('hex');
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

const RAW_LIST_KEYS = ['content', 'additionalHeaders', 'elementDescriptor'];

/** The JSON form back into encoder input. Parts take `data` (base64) when given, else `text` (as UTF-8). */
export function mmsFromJson(json: Record<string, unknown>): MmsPduInput {
  if (typeof json.messageType !== 'string') throw new MmsError('the JSON needs messageType (m-send-req, ...)', { field: 'messageType' });
  const out: Record<string, unknown> = { ...json };
  delete out.addressTypes;
  if (typeof json.date === 'string') out.date = isoDate(json.date, 'date');
  for (const k of TIME_KEYS) {
    const t = json[k] as { absolute?: string } | undefined;
    if (t && typeof t.absolute === 'string') out[k] = { absolute: isoDate(t.absolute, k) };
  }
  if (Array.isArray(json.previouslySentDate)) {
    out.previouslySentDate = (json.previouslySentDate as { count: number; date: string }[]).map((v) => ({
      count: v.count,
      date: isoDate(v.date, 'previouslySentDate'),
    }));
  }
  for (const k of RAW_LIST_KEYS) if (Array.isArray(json[k])) out[k] = (json[k] as string[]).map((h) => Buffer.from(h, 'hex'));
  if (Array.isArray(json.unknownHeaders))
    out.unknownHeaders = (json.unknownHeaders as { field: number | string; value: string }[]).map((h) => ({
      field: h.field,
      value: Buffer.from(h.value, 'hex'),
    }));
  if (typeof json.body === 'string') out.body = Buffer.from(json.body, 'hex');
  if (json.parts !== undefined) {
    if (!Array.isArray(json.parts)) throw new MmsError('parts must be a list', { field: 'parts' });
    out.parts = (json.parts as Record<string, unknown>[]).map((p, i) => partFromJson(p, i));
  }
  return out as unknown as MmsPduInput;
}

function partFromJson(p: Record<string, unknown>, i: number): MmsPartInput {
  const field = `parts[${i}]`;
  if (typeof p.contentType !== 'string') throw new MmsError(`${field} needs contentType`, { field });
  let contentType = p.contentType;
  let data: Buffer;
  if (typeof p.data === 'string') data = Buffer.from(p.data, 'base64');
  else if (typeof p.text === 'string') {
    data = Buffer.from(p.text, 'utf8');
    contentType = `${contentType.split(';')[0]!.trim()}; charset=utf-8`;
  } else throw new MmsError(`${field} needs data (base64) or text`, { field });
  const part: MmsPartInput = { contentType, data };
  for (const k of ['name', 'contentId', 'contentLocation', 'disposition'] as const) if (typeof p[k] === 'string') part[k] = p[k];
  if (p.params && typeof p.params === 'object') {
    const params = { ...(p.params as Record<string, string>) };
    if (typeof p.text === 'string' && typeof p.data !== 'string') delete params.charset;
    part.params = params;
  }
  if (Array.isArray(p.otherHeaders))
    part.otherHeaders = (p.otherHeaders as { field: number | string; value: string }[]).map((h) => ({ field: h.field, value: Buffer.from(h.value, 'hex') }));
  return part;
}

function isoDate(text: string, field: string): Date {
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) throw new MmsError(`${field}: '${text}' is not a date`, { field });
  return d;
}
