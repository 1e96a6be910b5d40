// Request parameters as NowSMS reads them: names case-insensitive (PhoneNumber, phonenumber), from the query
// string, a urlencoded form or a multipart form, values in the request's charset (UTF-8 unless the
// Content-Type or a `charset` parameter says otherwise). Values are decoded from bytes, never guessed: text
// that is not valid in its charset is refused rather than sent as mojibake.
import { HttpError } from './errors.ts';

export interface Upload {
  field: string;
  filename?: string;
  contentType: string;
  data: Buffer;
}

export class Params {
  private readonly values = new Map<string, string[]>();
  readonly uploads: Upload[] = [];

  add(name: string, value: string): void {
    const key = name.toLowerCase();
    const list = this.values.get(key);
    if (list) list.push(value);
    else this.values.set(key, [value]);
  }

  /** The first value of the first of these names that is present (aliases: PhoneNumber, Phone). */
  get(...names: string[]): string | undefined {
    for (const n of names) {
      const v = this.values.get(n.toLowerCase());
      if (v !== undefined) return v[0];
    }
    return undefined;
  }

  all(name: string): string[] {
    return this.values.get(name.toLowerCase()) ?? [];
  }

  has(name: string): boolean {
    return this.values.has(name.toLowerCase());
  }

  /** Every value with its (lower-case) name, in order. */
  *entries(): IterableIterator<[string, string]> {
    for (const [k, vs] of this.values) for (const v of vs) yield [k, v];
  }

  merge(other: Params): void {
    for (const [k, vs] of other.values) for (const v of vs) this.add(k, v);
    this.uploads.push(...other.uploads);
  }
}

const hexValue = (c: number): number => (c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1);

/** The bytes of one urlencoded component: `+` is a space, %XX a byte, a `%` not followed by two hex digits itself. */
function bytesOf(component: string): Buffer {
  const s = component.includes('+') ? component.replace(/\+/g, ' ') : component;
  if (!s.includes('%')) return Buffer.from(s, 'utf8');
  // Decoding only shortens: the text's own UTF-8 length bounds the bytes.
  const out = Buffer.allocUnsafe(Buffer.byteLength(s, 'utf8'));
  let n = 0;
  for (let i = 0; i < s.length;) {
    if (s.charCodeAt(i) === 37 && i + 2 < s.length) {
      const hi = hexValue(s.charCodeAt(i + 1));
      const lo = hexValue(s.charCodeAt(i + 2));
      if (hi >= 0 && lo >= 0) {
        out[n++] = hi * 16 + lo;
        i += 3;
        continue;
      }
    }
    // Up to the next %, as UTF-8 (a % that starts no escape is kept as it is).
    let j = s.indexOf('%', i + 1);
    if (j < 0) j = s.length;
    n += out.write(s.slice(i, j), n, 'utf8');
    i = j;
  }
  return out.subarray(0, n);
}

/** Decoders by charset label: a fatal TextDecoder keeps no state between whole (non-streaming) decodes. */
const decoders = new Map<string, InstanceType<typeof TextDecoder>>();

/** A decoder for this charset label, or a 400 naming it. */
export function decoderFor(charset: string | undefined): (bytes: Buffer, what: string) => string {
  const label = (charset ?? 'utf-8').trim().toLowerCase();
  let decoder = decoders.get(label);
  if (!decoder) {
    try {
      decoder = new TextDecoder(label, { fatal: true });
    } catch {
      throw new HttpError(400, 'NOWSMS_ERR_BAD_REQUEST', `unknown charset ${charset}: use utf-8 (the default) or a charset such as iso-8859-1`);
    }
    // Labels come from requests: keep only as many as there are charsets worth keeping.
    if (decoders.size < 32) decoders.set(label, decoder);
  }
  const d = decoder;
  return (bytes, what) => {
    try {
      return d.decode(bytes);
    } catch {
      throw new HttpError(400, 'NOWSMS_ERR_BAD_REQUEST', `${what} is not valid ${label}: send it in UTF-8 or name its charset (charset=...)`);
    }
  };
}

/** Pairs of a query string or urlencoded body, names and values still bytes. */
function pairs(raw: string): Array<[Buffer, Buffer]> {
  return raw
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const eq = p.indexOf('=');
      return eq < 0 ? [bytesOf(p), Buffer.alloc(0)] : [bytesOf(p.slice(0, eq)), bytesOf(p.slice(eq + 1))];
    });
}

/**
 * A query string or urlencoded body. The charset is the caller's (Content-Type) unless a `charset`
 * parameter names one (Kannel's `charset`, NowSMS's `Charset`).
 */
export function parseUrlEncoded(raw: string, charset?: string): Params {
  const list = pairs(raw);
  const named = list.find(([k]) => k.toString('latin1').toLowerCase() === 'charset');
  const decode = decoderFor(named ? named[1].toString('latin1') : charset);
  const params = new Params();
  for (const [k, v] of list) {
    const name = decode(k, 'a parameter name');
    params.add(name, decode(v, `parameter ${name}`));
  }
  return params;
}

/**
 * A query string or urlencoded body with no charset applied: names and values are their octets, one
 * character per octet (latin1), for a route that decodes each field in its own way (Kannel's sendsms).
 */
export function urlEncodedOctets(raw: string): Params {
  const params = new Params();
  for (const [k, v] of pairs(raw)) params.add(k.toString('latin1'), v.toString('latin1'));
  return params;
}

function headerParam(header: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]*))`, 'i').exec(header);
  return m ? (m[1] ?? m[2]) : undefined;
}

export function charsetOf(contentType: string | undefined): string | undefined {
  return contentType ? headerParam(contentType, 'charset') : undefined;
}

const MAX_PARTS = 100;

/** multipart/form-data (RFC 7578): text fields as parameters, file fields (a filename, or not text) as uploads. */
export function parseMultipart(body: Buffer, contentType: string): Params {
  const boundary = headerParam(contentType, 'boundary');
  if (!boundary) throw new HttpError(400, 'NOWSMS_ERR_BAD_REQUEST', 'multipart/form-data without a boundary parameter');
  const delimiter = Buffer.from(`--${boundary}`);
  const params = new Params();
  const fallback = charsetOf(contentType);
  let at = body.indexOf(delimiter);
  if (at < 0) throw new HttpError(400, 'NOWSMS_ERR_BAD_REQUEST', 'multipart body without its boundary');
  const fields: Array<{ name: string; filename?: string; type?: string; data: Buffer }> = [];
  for (;;) {
    at += delimiter.length;
    if (body.subarray(at, at + 2).toString() === '--') break;
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), at);
    if (next < 0) throw new HttpError(400, 'NOWSMS_ERR_BAD_REQUEST', 'multipart body without its closing boundary');
    const part = body.subarray(body.indexOf('\r\n', at) + 2, next);
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) throw new HttpError(400, 'NOWSMS_ERR_BAD_REQUEST', 'a multipart part without headers');
    const headers = part.subarray(0, split).toString('latin1').split('\r\n');
    const header = (n: string) =>
      headers
        .find((h) => h.toLowerCase().startsWith(`${n}:`))
        ?.slice(n.length + 1)
        .trim();
    const disposition = header('content-disposition') ?? '';
    const name = headerParam(disposition, 'name');
    if (name === undefined) throw new HttpError(400, 'NOWSMS_ERR_BAD_REQUEST', 'a multipart part without a name (Content-Disposition: form-data; name="...")');
    const filename = headerParam(disposition, 'filename');
    fields.push({
      name,
      ...(filename !== undefined ? { filename: Buffer.from(filename, 'latin1').toString('utf8') } : {}),
      ...(header('content-type') ? { type: header('content-type') } : {}),
      data: part.subarray(split + 4),
    });
    if (fields.length > MAX_PARTS) throw new HttpError(413, 'NOWSMS_ERR_BAD_REQUEST', `more than ${MAX_PARTS} form fields`);
    at = next + 2;
  }
  const charsetField = fields.find((f) => f.name.toLowerCase() === 'charset' && f.filename === undefined);
  const defaultCharset = charsetField ? charsetField.data.toString('latin1') : fallback;
  for (const f of fields) {
    const isText = f.filename === undefined && (!f.type || /^text\/plain/i.test(f.type));
    if (isText) params.add(f.name, decoderFor(charsetOf(f.type) ?? defaultCharset)(f.data, `parameter ${f.name}`));
    else
      params.uploads.push({
        field: f.name,
        ...(f.filename !== undefined ? { filename: f.filename } : {}),
        contentType: f.type ?? 'application/octet-stream',
        data: Buffer.from(f.data),
      });
  }
  return params;
}
