// The MMSC's client side: what it sends to a VASP (the gateway's inbound MM7 endpoint): DeliverReq with the
// MMS as a nested multipart/related referenced by cid:, DeliveryReportReq, ReadReplyReq, and raw bodies.
// Requests are written as TS 23.140 says by default; `style` bends them the ways deployed MMSCs do.
import http from 'node:http';
import https from 'node:https';
import { buildMultipart, quoteParam, type OutPart } from './mime.ts';
import { Writer, defaultMm7Version, namespaceOf, readAnswer, type AddressKind, type Mm7Address, type Mm7Answer, type Mm7Release } from './mm7.ts';
import { esc } from './xml.ts';

export interface Credentials {
  user: string;
  password: string;
}

/** How a request is written: the defaults follow the spec; each option is a deviation real MMSCs commit. */
export interface RequestStyle {
  /** Line ends of the MIME structure: CRLF (the spec) or LF. */
  eol?: 'CRLF' | 'LF';
  /** How Content points at the attachment: `cid:id` (default), the bare id, Content without href, or no Content element. */
  href?: 'cid' | 'bare' | 'none' | 'omit';
  /** Content-ID headers as `<id>` (default) or bare `id`. */
  contentIdBrackets?: boolean;
  /** Prefix of MM7 elements ('' = default namespace; default "mm7") and of the SOAP envelope (default "env"). */
  prefix?: string;
  envPrefix?: string;
  /** Schema release (default REL-6-MM7-1-4) and the MM7Version written with it. */
  version?: Mm7Release;
  mm7Version?: string;
  /** The SOAPAction header (default ""). */
  soapAction?: string;
  /** Transfer encoding of media parts: binary (default) or base64. */
  transferEncoding?: 'binary' | 'base64';
  /** Extra HTTP headers. */
  headers?: Record<string, string>;
}

export interface DeliverPart {
  contentType: string;
  contentId?: string;
  /** File name: written as Content-Location (and as the Content-ID when there is none). */
  name?: string;
  data: Buffer | string;
}

/** An address: "+4477..." → Number, "x@y" → RFC2822Address, or explicit. */
export type AddressInput = string | Mm7Address;

export interface DeliverOptions extends Credentials, RequestStyle {
  from: AddressInput;
  to: AddressInput[];
  cc?: AddressInput[];
  bcc?: AddressInput[];
  subject?: string;
  parts: DeliverPart[];
  /** Add a SMIL presentation (one slide per media part, with the text parts) at the front of the content. */
  smil?: boolean;
  /** The MMSC's message id. Not an element of the schema's DeliverReq: written only when given, as some MMSCs do. */
  messageId?: string;
  transactionId?: string;
  linkedId?: string;
  relayServerId?: string;
  priority?: 'High' | 'Normal' | 'Low';
  timeStamp?: string;
}

export interface ReportOptions extends Credentials, RequestStyle {
  messageId: string;
  recipient: AddressInput;
  sender?: AddressInput;
  /** Retrieved, Expired, Rejected, Forwarded, Deferred, Indeterminate, Unrecognised (DeliveryReportReq); Read, Deleted (ReadReplyReq). */
  mmStatus: string;
  statusText?: string;
  transactionId?: string;
  relayServerId?: string;
  date?: string;
}

export interface RawOptions extends Partial<Credentials> {
  contentType: string;
  body: Buffer | string;
  headers?: Record<string, string>;
}

let counter = 0;
const nextId = (p: string) => `${p}-${process.pid}-${++counter}`;

export function address(a: AddressInput): Mm7Address {
  if (typeof a !== 'string') return a;
  const kind: AddressKind = a.includes('@') ? 'RFC2822Address' : 'Number';
  return { kind, value: a };
}

/** Send a DeliverReq (an MMS from a phone) to a VASP; resolves with its answer. */
export async function deliver(url: string, o: DeliverOptions): Promise<Mm7Answer> {
  const release = o.version ?? 'REL-6-MM7-1-4';
  const w = new Writer(namespaceOf(release), o);
  const eol = o.eol === 'LF' ? '\n' : '\r\n';
  const brackets = o.contentIdBrackets ?? true;
  const cid = (id: string) => (brackets ? `<${id}>` : id);

  const media = o.parts.map((p, i) => ({
    ...p,
    contentId: p.contentId ?? p.name ?? `part${i + 1}`,
    data: typeof p.data === 'string' ? Buffer.from(p.data) : p.data,
  }));
  const all = o.smil
    ? [{ contentType: 'application/smil', contentId: 'presentation.smil', name: 'presentation.smil', data: Buffer.from(smilFor(media)) }, ...media]
    : media;
  const inner: OutPart[] = all.map((p) => {
    const headers: [string, string][] = [
      ['Content-Type', p.contentType],
      ['Content-ID', cid(p.contentId)],
    ];
    if (p.name) headers.push(['Content-Location', p.name]);
    const b64 = o.transferEncoding === 'base64' && !/^text\/|^application\/smil/.test(p.contentType);
    headers.push(['Content-Transfer-Encoding', b64 ? 'base64' : 'binary']);
    return { headers, body: b64 ? Buffer.from(p.data.toString('base64').replace(/.{76}/g, `$&${eol}`)) : p.data };
  });
  const innerBoundary = `mms-content-${nextId('b')}`;
  const contentId = 'mms-content';
  const startParam = o.smil ? `; start=${quoteParam(cid('presentation.smil'))}; type="application/smil"` : '';
  const contentPart: OutPart = {
    headers: [
      ['Content-Type', `multipart/related; boundary=${quoteParam(innerBoundary)}${startParam}`],
      ['Content-ID', cid(contentId)],
    ],
    body: buildMultipart(inner, innerBoundary, eol),
  };
  const href = o.href === 'none' || o.href === 'omit' ? undefined : o.href === 'bare' ? contentId : `cid:${contentId}`;
  const to = recipients(w, o.to, o.cc, o.bcc);
  const body = w.el(
    'DeliverReq',
    w.text('MM7Version', o.mm7Version ?? defaultMm7Version(release)) +
      w.text('MMSRelayServerID', o.relayServerId ?? 'mmsc-simulator') +
      w.text('LinkedID', o.linkedId) +
      w.text('MessageID', o.messageId) +
      w.address('Sender', address(o.from)) +
      to +
      w.text('TimeStamp', o.timeStamp ?? new Date().toISOString()) +
      w.text('Priority', o.priority) +
      w.text('Subject', o.subject) +
      (o.href === 'omit' ? '' : w.el('Content', '', { href, allowAdaptations: 'true' })),
  );
  const xml = w.envelope(o.transactionId ?? nextId('deliver'), body);
  return soapWithAttachments(url, o, xml, [contentPart]);
}

/** Send a DeliveryReportReq (what became of an MMS the VASP submitted). */
export function deliveryReport(url: string, o: ReportOptions): Promise<Mm7Answer> {
  return report(url, 'DeliveryReportReq', 'Date', o);
}

/** Send a ReadReplyReq (the recipient read or deleted an MMS the VASP submitted). */
export function readReply(url: string, o: ReportOptions): Promise<Mm7Answer> {
  return report(url, 'ReadReplyReq', 'TimeStamp', o);
}

function report(url: string, op: 'DeliveryReportReq' | 'ReadReplyReq', dateElement: string, o: ReportOptions): Promise<Mm7Answer> {
  const release = o.version ?? 'REL-6-MM7-1-4';
  const w = new Writer(namespaceOf(release), o);
  const body = w.el(
    op,
    w.text('MM7Version', o.mm7Version ?? defaultMm7Version(release)) +
      w.text('MMSRelayServerID', o.relayServerId ?? 'mmsc-simulator') +
      w.text('MessageID', o.messageId) +
      w.address('Recipient', address(o.recipient)) +
      w.address('Sender', o.sender === undefined ? undefined : address(o.sender)) +
      w.text(dateElement, o.date ?? new Date().toISOString()) +
      w.text('MMStatus', o.mmStatus) +
      w.text('StatusText', o.statusText),
  );
  const xml = w.envelope(o.transactionId ?? nextId(op), body);
  // A report has no attachments; SOAP with attachments with the one SOAP part, as MMSCs send it.
  return soapWithAttachments(url, o, xml, []);
}

function recipients(w: Writer, to: AddressInput[], cc: AddressInput[] = [], bcc: AddressInput[] = []): string {
  const group = (name: string, list: AddressInput[]) =>
    list.length === 0
      ? ''
      : w.el(
          name,
          list
            .map(address)
            .map((a) => w.el(a.kind, esc(a.value)))
            .join(''),
        );
  return w.el('Recipients', group('To', to) + group('Cc', cc) + group('Bcc', bcc));
}

function soapWithAttachments(url: string, o: Credentials & RequestStyle, xml: string, attachments: OutPart[]): Promise<Mm7Answer> {
  const eol = o.eol === 'LF' ? '\n' : '\r\n';
  const brackets = o.contentIdBrackets ?? true;
  const startId = 'mm7-soap';
  const boundary = `mm7-${nextId('b')}`;
  const soapPart: OutPart = {
    headers: [
      ['Content-Type', 'text/xml; charset="utf-8"'],
      ['Content-ID', brackets ? `<${startId}>` : startId],
    ],
    body: Buffer.from(eol === '\n' ? xml.replace(/\r\n/g, '\n') : xml),
  };
  const body = buildMultipart([soapPart, ...attachments], boundary, eol);
  const contentType = `multipart/related; boundary=${quoteParam(boundary)}; type="text/xml"; start=${quoteParam(`<${startId}>`)}`;
  return postRaw(url, { user: o.user, password: o.password, contentType, body, headers: { SOAPAction: o.soapAction ?? '""', ...o.headers } });
}

/** POST any body (a hand-made bad request) and read the answer as MM7. Rejects when the connection fails. */
export function postRaw(url: string, o: RawOptions): Promise<Mm7Answer> {
  const u = new URL(url);
  const body = typeof o.body === 'string' ? Buffer.from(o.body) : o.body;
  const headers: Record<string, string | number> = { 'Content-Type': o.contentType, 'Content-Length': body.length, ...o.headers };
  const user = o.user ?? decodeURIComponent(u.username);
  const password = o.password ?? decodeURIComponent(u.password);
  if (user || password) headers.Authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const lib = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request({ hostname: u.hostname, port: u.port, path: u.pathname + u.search, method: 'POST', headers, rejectUnauthorized: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => resolve(readAnswer(res.statusCode ?? 0, res.headers['content-type'], Buffer.concat(chunks))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** One slide per image/audio/video part, each with the text parts that follow it (or all text on one slide). */
export function smilFor(parts: { contentType: string; contentId: string }[]): string {
  const region = (t: string) => (t.startsWith('image/') || t.startsWith('video/') ? 'Image' : 'Text');
  const tag = (t: string) => (t.startsWith('image/') ? 'img' : t.startsWith('audio/') ? 'audio' : t.startsWith('video/') ? 'video' : 'text');
  const slides: { contentType: string; contentId: string }[][] = [];
  for (const p of parts) {
    if (tag(p.contentType) === 'text' && slides.length > 0) slides[slides.length - 1]!.push(p);
    else slides.push([p]);
  }
  const pars = slides
    .map((s) => `<par dur="5000ms">${s.map((p) => `<${tag(p.contentType)} src="cid:${esc(p.contentId)}" region="${region(p.contentType)}"/>`).join('')}</par>`)
    .join('');
  return (
    '<smil><head><layout><root-layout width="100%" height="100%"/>' +
    '<region id="Image" top="0" left="0" height="70%" width="100%" fit="meet"/>' +
    '<region id="Text" top="70%" left="0" height="30%" width="100%"/>' +
    `</layout></head><body>${pars}</body></smil>`
  );
}
