// MIME for the simulator, written from RFC 2045/2046 (multipart), RFC 2387 (multipart/related) and RFC 2392
// (cid:). Its own code on purpose: the product's MM7 codec uses a multipart library, and a double that shared
// it would share its bugs. Reading is strict (CRLF line ends, a closing delimiter, known transfer encodings);
// writing can be made sloppy on request (LF line ends, Content-ID without <>) to exercise the product's leniency.

/** One body part after transfer decoding. */
export interface MimePart {
  /** The Content-Type header as sent (`text/plain; charset=utf-8`); `text/plain` when absent (RFC 2045). */
  contentType: string;
  /** The media type alone, lower case (`text/plain`). */
  type: string;
  params: Record<string, string>;
  /** Content-ID without its angle brackets. */
  contentId?: string;
  contentLocation?: string;
  /** Every header, names lower case, folded lines joined. */
  headers: Record<string, string>;
  /** The body after Content-Transfer-Encoding was undone: the exact bytes. */
  data: Buffer;
}

export class MimeError extends Error {}

const LF_LINES = 'multipart lines end in LF, not CRLF (RFC 2046 delimiters are CRLF--boundary)';

/** `type/subtype; a=b; c="d"` → media type (lower case) and parameters (names lower case, quotes removed). */
export function parseContentType(value: string): { type: string; params: Record<string, string> } {
  const m = /^\s*([!#$%&'*+.^`|~\w-]+\/[!#$%&'*+.^`|~\w-]+)\s*/.exec(value);
  if (!m) throw new MimeError(`Content-Type "${value}" is not type/subtype`);
  const params: Record<string, string> = {};
  let rest = value.slice(m[0].length);
  while (rest.length > 0) {
    const semi = /^;\s*/.exec(rest);
    if (!semi) throw new MimeError(`Content-Type "${value}": expected ";" before "${rest}"`);
    rest = rest.slice(semi[0].length);
    if (rest.length === 0) break; // a trailing ";" is common and harmless
    const p = /^([!#$%&'*+.^`|~\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([!#$%&'*+.^`|~\w-]+))\s*/.exec(rest);
    if (!p) throw new MimeError(`Content-Type "${value}": bad parameter at "${rest}"`);
    params[p[1]!.toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3]!;
    rest = rest.slice(p[0].length);
  }
  return { type: m[1]!.toLowerCase(), params };
}

/** Header block (no blank line) → headers, names lower case; continuation lines are joined (RFC 5322 unfolding). */
export function parseHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  let last: string | undefined;
  for (const line of block.split('\r\n')) {
    if (line === '') continue;
    if (/^[ \t]/.test(line)) {
      if (!last) throw new MimeError(`header block starts with a continuation line: "${line}"`);
      headers[last] += ' ' + line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0 || !/^[!-9;-~]+$/.test(line.slice(0, colon))) throw new MimeError(`not a header line: "${line}"`);
    last = line.slice(0, colon).toLowerCase();
    headers[last] = line.slice(colon + 1).trim();
  }
  return headers;
}

/**
 * The body parts of a multipart body, each as raw octets (headers + body), per RFC 2046 §5.1.1: delimiters are
 * CRLF "--" boundary, the first may open the body, the last is boundary "--". Strict about CRLF and the close.
 */
export function splitMultipart(body: Buffer, boundary: string): Buffer[] {
  if (!boundary) throw new MimeError('multipart without a boundary parameter');
  const delim = Buffer.from('\r\n--' + boundary);
  // The first delimiter may open the body (no CRLF before it); the rest are CRLF--boundary.
  const opensBody = body.subarray(0, delim.length - 2).equals(delim.subarray(2));
  const first = opensBody ? -2 : nextDelimiter(body, delim, 0);
  if (first === -1) {
    if (body.indexOf(Buffer.from('\n--' + boundary)) >= 0) throw new MimeError(LF_LINES);
    throw new MimeError(`boundary "${boundary}" never appears in the body`);
  }
  let pos = first + delim.length;
  const parts: Buffer[] = [];
  for (;;) {
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return parts; // the close delimiter
    let eol = pos;
    while (body[eol] === 0x20 || body[eol] === 0x09) eol++; // transport padding
    if (body[eol] === 0x0a) throw new MimeError(LF_LINES);
    if (body[eol] !== 0x0d || body[eol + 1] !== 0x0a) throw new MimeError(`text after boundary "${boundary}" on its line`);
    const start = eol + 2;
    const end = nextDelimiter(body, delim, start);
    if (end < 0) {
      if (body.indexOf(Buffer.from('\n--' + boundary), start) >= 0) throw new MimeError(LF_LINES);
      throw new MimeError(`no closing boundary "--${boundary}--"`);
    }
    parts.push(body.subarray(start, end));
    pos = end + delim.length;
  }
}

/** Where CRLF--boundary next starts as a real delimiter (followed by "--", or padding and CRLF), from `from`. */
function nextDelimiter(body: Buffer, delim: Buffer, from: number): number {
  for (let at = body.indexOf(delim, from); at >= 0; at = body.indexOf(delim, at + 1)) {
    let i = at + delim.length;
    if (body[i] === 0x2d && body[i + 1] === 0x2d) return at;
    while (body[i] === 0x20 || body[i] === 0x09) i++;
    if ((body[i] === 0x0d && body[i + 1] === 0x0a) || body[i] === 0x0a) return at;
  }
  return -1;
}

/** A body part's raw octets → headers and decoded body. */
export function parsePart(raw: Buffer): MimePart {
  let headerText = '';
  let bodyStart = 0;
  if (!(raw[0] === 0x0d && raw[1] === 0x0a)) {
    const blank = raw.indexOf('\r\n\r\n');
    if (blank < 0) {
      if (raw.indexOf('\n\n') >= 0) throw new MimeError('part headers end in LF, not CRLF');
      throw new MimeError('a body part without the blank line that ends its headers');
    }
    headerText = raw.subarray(0, blank).toString('utf8');
    bodyStart = blank + 4;
  } else bodyStart = 2;
  const headers = parseHeaders(headerText);
  const contentType = headers['content-type'] ?? 'text/plain';
  const { type, params } = parseContentType(contentType);
  const part: MimePart = { contentType, type, params, headers, data: decodeBody(raw.subarray(bodyStart), headers['content-transfer-encoding']) };
  const id = headers['content-id'];
  if (id !== undefined) part.contentId = id.replace(/^<(.*)>$/, '$1');
  if (headers['content-location'] !== undefined) part.contentLocation = headers['content-location'];
  return part;
}

/** A multipart body → its parts, decoded, in order. */
export function parseMultipart(body: Buffer, boundary: string): MimePart[] {
  return splitMultipart(body, boundary).map(parsePart);
}

function decodeBody(body: Buffer, cte: string | undefined): Buffer {
  const enc = (cte ?? '7bit').trim().toLowerCase();
  if (enc === '7bit' || enc === '8bit' || enc === 'binary') return body;
  if (enc === 'base64') {
    const text = body.toString('latin1').replace(/[\r\n\t ]/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0)
      throw new MimeError('base64 body with characters outside the base64 alphabet or a bad length');
    return Buffer.from(text, 'base64');
  }
  if (enc === 'quoted-printable') {
    const text = body.toString('latin1').replace(/=\r\n/g, '');
    const out: number[] = [];
    for (let i = 0; i < text.length; i++) {
      if (text[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
        out.push(parseInt(text.slice(i + 1, i + 3), 16));
        i += 2;
      } else out.push(text.charCodeAt(i));
    }
    return Buffer.from(out);
  }
  throw new MimeError(`unknown Content-Transfer-Encoding "${cte}"`);
}

// ---- writing ----------------------------------------------------------------------------------------

export interface OutPart {
  headers: [string, string][];
  body: Buffer;
}

/** A multipart body: each part, then the closing delimiter. `eol` is CRLF unless a test wants LF. */
export function buildMultipart(parts: OutPart[], boundary: string, eol: '\r\n' | '\n' = '\r\n'): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${boundary}${eol}${p.headers.map(([k, v]) => `${k}: ${v}${eol}`).join('')}${eol}`, 'latin1'), p.body, Buffer.from(eol));
  }
  chunks.push(Buffer.from(`--${boundary}--${eol}`));
  return Buffer.concat(chunks);
}

export function quoteParam(v: string): string {
  return `"${v.replace(/(["\\])/g, '\\$1')}"`;
}
