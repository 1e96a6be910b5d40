// A synchronous multipart reader and writer for MM7's SOAP with attachments. Reading works on the body
// Buffer in place: a part's bytes are a subarray of the body (no copy) unless a transfer encoding must be
// decoded. It is lenient where deployed MMSCs are sloppy (LF line ends, a part whose headers run straight
// into its body, folded headers, quoted or bare parameters) and refuses what would lose content silently
// (a boundary that never appears, a multipart without its closing boundary).
//
// Why not @apeleghq/multipart-parser: its API is asynchronous over a ReadableStream (the codec is pure and
// synchronous), and it refuses LF-only bodies and the published Sinch DeliverReq (a header block without
// its blank line). Why not nodemailer's MimeNode for writing: it builds e-mail (Date, Message-ID,
// MIME-Version on the root, a stream), where MM7 needs an HTTP body and its Content-Type with start/type.

export interface ContentType {
  /** `type/subtype`, lower case. */
  type: string;
  /** Parameter names in lower case, values unquoted. */
  params: Record<string, string>;
}

export interface MimePart {
  /** Header names in lower case; folded lines joined; a repeated header keeps its first value. */
  headers: Map<string, string>;
  /** The raw (still transfer-encoded) body. */
  body: Buffer;
}

export class MultipartError extends Error {}

/** Reads `type/subtype; a=b; c="d e"` (parameters quoted or bare, `\` escapes in quotes, spaces around `=`). */
export function parseContentType(value: string | undefined): ContentType {
  const s = (value ?? '').replace(/\r?\n[ \t]+/g, ' ');
  const semi = s.indexOf(';');
  const type = (semi < 0 ? s : s.slice(0, semi)).trim().toLowerCase();
  const params: Record<string, string> = {};
  let i = semi < 0 ? s.length : semi;
  while (i < s.length) {
    while (i < s.length && (s[i] === ';' || s[i] === ' ' || s[i] === '\t')) i++;
    let name = '';
    while (i < s.length && s[i] !== '=' && s[i] !== ';') name += s[i++];
    name = name.trim().toLowerCase();
    if (s[i] !== '=') continue; // a parameter without a value: ignored
    i++;
    while (s[i] === ' ' || s[i] === '\t') i++;
    let v = '';
    if (s[i] === '"') {
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === '\\' && i + 1 < s.length) i++;
        v += s[i++];
      }
      i++;
    } else {
      while (i < s.length && s[i] !== ';') v += s[i++];
      v = v.trim();
    }
    if (name && !Object.hasOwn(params, name)) params[name] = v;
  }
  return { type, params };
}

/** `<x>` → `x` (Content-ID and `start` come with or without the angle brackets). */
export function stripAngles(id: string): string {
  const t = id.trim();
  return t.startsWith('<') && t.endsWith('>') ? t.slice(1, -1).trim() : t;
}

const LF = 0x0a;
const CR = 0x0d;

function isDelimiterEnd(body: Buffer, at: number): boolean {
  if (at >= body.length) return true;
  const c = body[at]!;
  return c === CR || c === LF || c === 0x20 || c === 0x09 || (c === 0x2d && body[at + 1] === 0x2d);
}

/** The next `--boundary` at the start of a line, from `from`; -1 when none. */
function findDelimiter(body: Buffer, delimiter: Buffer, from: number): number {
  let i = from;
  for (;;) {
    const at = body.indexOf(delimiter, i);
    if (at < 0) return -1;
    if ((at === 0 || body[at - 1] === LF) && isDelimiterEnd(body, at + delimiter.length)) return at;
    i = at + 1;
  }
}

/** The index just past the end of the line that contains `at` (after its LF), or body.length. */
function nextLine(body: Buffer, at: number): number {
  const lf = body.indexOf(LF, at);
  return lf < 0 ? body.length : lf + 1;
}

/** Splits a multipart body into its parts. Throws MultipartError when the boundary or the closing boundary is missing. */
export function splitMultipart(body: Buffer, boundary: string): MimePart[] {
  if (!boundary) throw new MultipartError('the multipart has no boundary parameter');
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  let at = findDelimiter(body, delimiter, 0);
  if (at < 0) throw new MultipartError(`the boundary "${boundary}" never appears in the body`);
  const parts: MimePart[] = [];
  for (;;) {
    const after = at + delimiter.length;
    if (body[after] === 0x2d && body[after + 1] === 0x2d) return parts;
    const start = nextLine(body, after);
    const next = findDelimiter(body, delimiter, start);
    if (next < 0) throw new MultipartError(`the multipart (boundary "${boundary}") has no closing boundary`);
    // The line break before the delimiter belongs to the delimiter.
    let end = next;
    if (end > start && body[end - 1] === LF) end--;
    if (end > start && body[end - 1] === CR) end--;
    parts.push(readPart(body.subarray(start, Math.max(start, end))));
    at = next;
  }
}

/** Splits one part into headers and body. A line that is not a header (no colon) starts the body. */
export function readPart(raw: Buffer): MimePart {
  const headers = new Map<string, string>();
  let pos = 0;
  let last: string | undefined;
  while (pos < raw.length) {
    const lf = raw.indexOf(LF, pos);
    const lineEnd = lf < 0 ? raw.length : lf;
    const next = lf < 0 ? raw.length : lf + 1;
    let line = raw.toString('latin1', pos, lineEnd);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line === '') {
      pos = next;
      break;
    }
    if ((line[0] === ' ' || line[0] === '\t') && last !== undefined) {
      headers.set(last, `${headers.get(last)!} ${line.trim()}`);
      pos = next;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0 || /\s/.test(line.slice(0, colon))) break; // not a header: the body starts here
    const name = line.slice(0, colon).toLowerCase();
    if (headers.has(name)) {
      last = undefined;
    } else {
      headers.set(name, line.slice(colon + 1).trim());
      last = name;
    }
    pos = next;
  }
  return { headers, body: raw.subarray(pos) };
}

/** The body with its Content-Transfer-Encoding undone (7bit, 8bit, binary and none: the bytes as they are). */
export function decodeTransfer(body: Buffer, encoding: string | undefined): Buffer {
  const e = (encoding ?? '').trim().toLowerCase();
  if (e === '' || e === '7bit' || e === '8bit' || e === 'binary') return body;
  if (e === 'base64') return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/=_-]/g, ''), 'base64');
  if (e === 'quoted-printable') return decodeQuotedPrintable(body);
  throw new MultipartError(`unsupported Content-Transfer-Encoding "${encoding}"`);
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

function decodeQuotedPrintable(body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(body.length);
  let o = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== 0x3d) {
      out[o++] = c;
      continue;
    }
    // "=" then CRLF / LF (soft line break, trailing blanks allowed before it) or two hex digits.
    let j = i + 1;
    while (body[j] === 0x20 || body[j] === 0x09) j++;
    if (body[j] === CR && body[j + 1] === LF) {
      i = j + 1;
      continue;
    }
    if (body[j] === LF) {
      i = j;
      continue;
    }
    const h = hexValue(body[i + 1] ?? -1);
    const l = hexValue(body[i + 2] ?? -1);
    if (h >= 0 && l >= 0) {
      out[o++] = h * 16 + l;
      i += 2;
    } else {
      out[o++] = c; // a bare "=": kept, as RFC 2045 advises a lenient decoder to
    }
  }
  return out.subarray(0, o);
}

export interface WritePart {
  headers: [string, string][];
  body: Buffer;
}

/** A multipart body: each part's headers and bytes between `--boundary` lines, CRLF line ends. */
export function writeMultipart(boundary: string, parts: WritePart[]): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const head = p.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('');
    chunks.push(Buffer.from(`--${boundary}\r\n${head}\r\n`, 'latin1'), p.body, Buffer.from('\r\n', 'latin1'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
  return Buffer.concat(chunks);
}

/** A Content-Type parameter value, quoted when it must be. */
export function paramValue(v: string): string {
  return /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(v) ? v : `"${v.replace(/[\\"]/g, '\\$&')}"`;
}
