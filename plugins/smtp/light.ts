// The light path: most mail to the gateway is one plain-text part, and for it mailparser's full parse (a
// stream splitter, a node tree, a decoder stream per part, a turn of the event loop per chunk) costs more
// than the rest of the intake together. A mail whose headers are plain ASCII in the common forms and whose
// body is text/plain in UTF-8/US-ASCII or ISO-8859-1, raw or quoted-printable, is read here directly, with
// the same result mailparser gives (text, subject, Message-ID: test/plugins/smtp/light.test.ts compares the
// two on many mails), format=flowed (Thunderbird's default) included. Anything else (multipart,
// attachments, other charsets or encodings, 8-bit or odd headers, comments, duplicates) returns undefined
// and goes to mailparser as before.

/** Larger mails are streamed to mailparser as they arrive, never held whole. */
export const LIGHT_MAX_BYTES = 64 * 1024;

/** What the gateway takes from a mail: what parse.ts takes from mailparser's result. */
export interface LightMail {
  /** mailparser's `text`: undefined for an empty body. */
  text: string | undefined;
  subject: string | undefined;
  messageId: string | undefined;
}

type Charset = 'utf8' | 'latin1';

interface BodyType {
  charset: Charset;
  /** RFC 3676 format=flowed, and its DelSp=yes. */
  flowed: boolean;
  delSp: boolean;
}

// mailparser reads these body charsets as UTF-8 without a decoder (its names with punctuation dropped).
const UTF8_BODY = new Set(['ascii', 'usascii', 'utf8']);
// libmime decodes ISO-8859-1 byte for byte, as Buffer's latin1 does, except 0x80-0x9F, which it reads as
// windows-1252 does (0x80 is the euro sign): a text with those bytes goes to mailparser.
const LATIN1 = new Set(['iso88591', 'latin1']);
const C1 = /[\x80-\x9f]/;
const latin1Safe = (b: Buffer) => !C1.test(b.toString('latin1'));
const RAW_ENCODINGS = new Set(['', '7bit', '8bit', 'binary']);
const FIELD = /^([A-Za-z0-9-]+):/;
const PRINTABLE_HEAD = /^[\x20-\x7e\t\r\n]*$/;
const CONTENT_TYPE = /^text\/plain\s*(;.*)?$/i;
const PARAM = /^\s*([A-Za-z-]+)\s*=\s*(?:"([^"\\]*)"|([^\s;"]+))\s*$/;
const SINGLE = ['content-type', 'content-transfer-encoding', 'subject', 'message-id'];

export function lightMail(raw: Buffer): LightMail | undefined {
  if (raw.length > LIGHT_MAX_BYTES) return undefined;
  const end = raw.indexOf('\r\n\r\n');
  if (end <= 0) return undefined;
  const head = raw.toString('latin1', 0, end);
  if (!PRINTABLE_HEAD.test(head)) return undefined;
  const fields = new Map<string, string[]>();
  let last: string[] | undefined;
  for (const line of head.split('\r\n')) {
    // A bare CR or LF: mailparser's line rules for those are its own.
    if (line.includes('\r') || line.includes('\n')) return undefined;
    if (line[0] === ' ' || line[0] === '\t') {
      if (!last) return undefined;
      last[last.length - 1] += '\r\n' + line;
      continue;
    }
    const m = FIELD.exec(line);
    if (!m) return undefined;
    const key = m[1]!.toLowerCase();
    // An attachment even if it is text: mailparser's business.
    if (key === 'content-disposition') return undefined;
    last = fields.get(key) ?? [];
    last.push(line.slice(m[0].length));
    fields.set(key, last);
  }
  if (SINGLE.some((k) => (fields.get(k)?.length ?? 0) > 1)) return undefined;
  // libmime's decodeHeader: line breaks and the indent after them become one space, the ends are trimmed.
  const value = (key: string) => {
    const v = fields.get(key)?.[0];
    return v === undefined ? undefined : v.replace(/\r\n[ \t]*/g, ' ').trim();
  };

  const type = value('content-type');
  const bodyType = type === undefined ? { charset: 'utf8' as const, flowed: false, delSp: false } : contentType(type);
  if (!bodyType) return undefined;
  const { charset } = bodyType;
  const encoding = (value('content-transfer-encoding') ?? '').toLowerCase();
  if (encoding !== 'quoted-printable' && !RAW_ENCODINGS.has(encoding)) return undefined;

  const rawSubject = value('subject');
  const subject = rawSubject === undefined ? undefined : decodeWords(rawSubject);
  if (subject === null) return undefined;
  const rawId = value('message-id');
  if (rawId?.includes('=?')) return undefined;

  let body = raw.subarray(end + 4);
  if (encoding === 'quoted-printable') body = qpDecode(body);
  if (bodyType.flowed && body.length > 0) body = Buffer.from(decodeFlowed(body.toString('latin1'), bodyType.delSp), 'latin1');
  if (charset === 'latin1' && !latin1Safe(body)) return undefined;
  const text = body.toString(charset).replace(/\r?\n/g, '\n');
  return { text: text || undefined, subject: subject || undefined, messageId: rawId ? messageIdFormat(rawId) : undefined };
}

/** The body of a `text/plain` Content-Type, or undefined if mailparser must read it. */
function contentType(v: string): BodyType | undefined {
  if (v.includes('(')) return undefined; // comments
  const m = CONTENT_TYPE.exec(v);
  if (!m) return undefined;
  const params = new Map<string, string>();
  for (const p of (m[1] ?? '').split(';').slice(1)) {
    if (p.trim() === '') continue;
    const pm = PARAM.exec(p);
    if (!pm) return undefined;
    const name = pm[1]!.toLowerCase();
    if (params.has(name)) return undefined;
    params.set(name, pm[2] ?? pm[3]!);
  }
  for (const name of params.keys()) if (name !== 'charset' && name !== 'format' && name !== 'delsp') return undefined;
  const flowed = params.get('format')?.trim().toLowerCase() === 'flowed';
  const delSp = flowed && params.get('delsp')?.trim().toLowerCase() === 'yes';
  const name = (params.get('charset') ?? 'utf-8').toLowerCase().replace(/[^a-z0-9]+/g, '');
  const charset: Charset | undefined = UTF8_BODY.has(name) ? 'utf8' : LATIN1.has(name) ? 'latin1' : undefined;
  return charset && { charset, flowed, delSp };
}

/** mailparser's Message-ID: in angle brackets. */
function messageIdFormat(v: string): string {
  return (v.startsWith('<') ? '' : '<') + v + (v.endsWith('>') ? '' : '>');
}

// An encoded word in the forms libmime decodes the same way as here: no whitespace, no '?', in the payload.
const WORD = /=\?([A-Za-z0-9_-]+)\?([QqBb])\?([\x21-\x3e\x40-\x7e]*)\?=/g;
const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const QP_WORD = /^(?:[^=]|=[0-9A-Fa-f]{2})*$/;

interface Word {
  start: number;
  end: number;
  charset: Charset;
  b: boolean;
  payload: string;
}

function wordCharset(name: string): Charset | undefined {
  const n = name.toLowerCase();
  return n === 'utf-8' || n === 'utf8' ? 'utf8' : n === 'iso-8859-1' ? 'latin1' : undefined;
}

/**
 * libmime's decodeWords for the well-formed encoded words of UTF-8 and ISO-8859-1; null for anything else.
 * Adjacent words (only whitespace between them) lose that whitespace; adjacent words of the same charset and
 * encoding are decoded as one (a character split over two words comes out whole).
 */
function decodeWords(v: string): string | null | undefined {
  if (!v.includes('=?')) return v;
  const words: Word[] = [];
  for (const m of v.matchAll(WORD)) {
    const charset = wordCharset(m[1]!);
    const b = m[2]!.toUpperCase() === 'B';
    const payload = m[3]!;
    if (!charset || !(b ? B64 : QP_WORD).test(payload)) return null;
    words.push({ start: m.index, end: m.index + m[0].length, charset, b, payload });
  }
  // Every "=?" must open one of these words.
  let from = 0;
  for (const w of words) {
    if (v.slice(from, w.start).includes('=?')) return null;
    from = w.end;
  }
  if (v.slice(from).includes('=?')) return null;

  let out = '';
  let pos = 0;
  for (let i = 0; i < words.length;) {
    const first = words[i]!;
    out += v.slice(pos, first.start);
    const bytes: Buffer[] = [wordBytes(first)];
    let j = i + 1;
    for (; j < words.length; j++) {
      const w = words[j]!;
      const prev = words[j - 1]!;
      if (v.slice(prev.end, w.start).trim() !== '' || w.b !== first.b || w.charset !== first.charset) break;
      bytes.push(wordBytes(w));
    }
    const decoded = Buffer.concat(bytes);
    if (first.charset === 'latin1' && !latin1Safe(decoded)) return null;
    out += decoded.toString(first.charset);
    pos = words[j - 1]!.end;
    // A following word of another encoding or charset: the whitespace between them goes all the same.
    if (j < words.length && v.slice(pos, words[j]!.start).trim() === '') pos = words[j]!.start;
    i = j;
  }
  return out + v.slice(pos);
}

function wordBytes(w: Word): Buffer {
  if (w.b) return Buffer.from(w.payload, 'base64');
  const s = w.payload.replace(/_/g, ' ');
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '=') {
      out.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(s.charCodeAt(i));
  }
  return Buffer.from(out);
}

/**
 * libmime's decodeFlowed (RFC 3676), as mailparser runs it on the transfer-decoded bytes (one char a byte):
 * a line ending in a space goes on with the next of the same quote depth; space-stuffing is removed.
 */
function decodeFlowed(str: string, delSp: boolean): string {
  const lines = str.split(/\r?\n/);
  const result: string[] = [];
  let parts: string[] = [];
  let partsLength = 0;
  let depth = 0;
  let prefix = '';
  const pushPart = (part: string) => {
    if (part) {
      parts.push(part);
      partsLength += part.length;
    }
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    let lineDepth = 0;
    while (line.charCodeAt(lineDepth) === 0x3e) lineDepth++;
    const prefixLength = lineDepth && line.charCodeAt(lineDepth) === 0x20 ? lineDepth + 1 : lineDepth;
    const content = line.slice(prefixLength);
    const last = parts.length ? parts[parts.length - 1]! : '';
    const isSoftBreak = lineDepth === depth && last.endsWith(' ') && !(partsLength === 3 && parts.join('') === '-- ');
    if (isSoftBreak) {
      if (delSp) {
        parts.pop();
        partsLength -= last.length;
        pushPart(last.slice(0, -1));
        pushPart(content);
      } else pushPart(lineDepth ? content : content.replace(/^ /, ''));
    } else {
      if (i > 0) result.push(prefix + parts.join(''));
      parts = [];
      partsLength = 0;
      depth = lineDepth;
      prefix = line.slice(0, prefixLength);
      pushPart(content);
    }
  }
  if (partsLength || prefix) result.push(prefix + parts.join(''));
  return result.join('\n').replace(/^ /gm, '');
}

/** libqp's decode, as mailparser's quoted-printable decoder runs it over a whole body. */
function qpDecode(body: Buffer): Buffer {
  const input = body
    .toString('latin1')
    .replace(/(^|[^ \t])[ \t]+(?=[\n\r]|$)/g, '$1')
    .replace(/[=](?:\r?\n|$)/g, '');
  const out = Buffer.allocUnsafe(input.length);
  let n = 0;
  const len = input.length;
  for (let i = 0; i < len; i++) {
    const code = input.charCodeAt(i);
    if (code === 0x3d && i < len - 2) {
      const hi = hexValue(input.charCodeAt(i + 1));
      const lo = hexValue(input.charCodeAt(i + 2));
      if (hi >= 0 && lo >= 0) {
        out[n++] = hi * 16 + lo;
        i += 2;
        continue;
      }
    }
    out[n++] = code;
  }
  return out.subarray(0, n);
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}
