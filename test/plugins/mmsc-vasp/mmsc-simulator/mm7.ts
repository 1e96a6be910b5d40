// MM7 as 3GPP TS 23.140 (REL-5/REL-6 schemas) and SOAP 1.1 with attachments define it: reading requests and
// answers strictly (what the spec requires is refused when missing; what deployed peers get wrong but the
// spec tolerates is kept as a warning), and writing requests and answers in any schema release.
import { MimeError, parseContentType, parseMultipart, type MimePart } from './mime.ts';
import { XmlError, esc, kid, parseXml, textAt, type XmlElement } from './xml.ts';

export const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const MM7_NS_BASE = 'http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/';

export const MM7_RELEASES = [
  'REL-5-MM7-1-0',
  'REL-5-MM7-1-1',
  'REL-5-MM7-1-2',
  'REL-5-MM7-1-3',
  'REL-6-MM7-1-0',
  'REL-6-MM7-1-1',
  'REL-6-MM7-1-2',
  'REL-6-MM7-1-3',
  'REL-6-MM7-1-4',
] as const;
export type Mm7Release = (typeof MM7_RELEASES)[number];

export function namespaceOf(release: Mm7Release): string {
  return MM7_NS_BASE + release;
}

export function releaseOf(ns: string | undefined): Mm7Release | undefined {
  return MM7_RELEASES.find((r) => ns === MM7_NS_BASE + r);
}

/**
 * The MM7Version written with a release when the caller names none. The spec has no table: REL-5 schemas
 * fix 5.3.0 in practice (Openwave's API, NowSMS's notes), the REL-6-MM7-1-4 examples carry 6.8.0.
 */
export function defaultMm7Version(release: Mm7Release): string {
  return release.startsWith('REL-5') ? '5.3.0' : '6.8.0';
}

/** Status codes of TS 23.140 §8.7.4 (the RequestStatus table). */
export const STATUS_TEXT: Record<number, string> = {
  1000: 'Success',
  1100: 'Partial success',
  2000: 'Client error',
  2001: 'Operation restricted',
  2002: 'Address Error',
  2003: 'Address Not Found',
  2004: 'Multimedia content refused',
  2005: 'Message ID Not found',
  2006: 'LinkedID not found',
  2007: 'Message format corrupt',
  2008: 'Application ID not found',
  2009: 'Reply Application ID not found',
  3000: 'Server Error',
  3001: 'Not Possible',
  3002: 'Message rejected',
  3003: 'Multiple addresses not supported',
  3004: 'Application Addressing not supported',
  4000: 'General service error',
  4001: 'Improper identification',
  4002: 'Unsupported version',
  4003: 'Unsupported operation',
  4004: 'Validation error',
  4005: 'Service error',
  4006: 'Service unavailable',
  4007: 'Service denied',
  4008: 'Application denied',
};

export type AddressKind = 'Number' | 'ShortCode' | 'RFC2822Address';
export interface Mm7Address {
  kind: AddressKind;
  value: string;
  displayOnly?: boolean;
}

export interface Mm7Status {
  code: number;
  text?: string;
  details?: string;
}

/** Why a request cannot be processed: the status and fault code to answer with. */
export class Mm7Reject extends Error {
  constructor(
    message: string,
    readonly status = 2007,
    readonly faultCode: 'Client' | 'Server' = 'Client',
  ) {
    super(message);
  }
}

// ---- reading ----------------------------------------------------------------------------------------

/** A SOAP envelope read from an HTTP body, with its attachments. */
export interface Mm7Envelope {
  /** The MM7 namespace of the operation (of TransactionID when the body element has none). */
  namespace: string;
  release: Mm7Release;
  transactionId?: string;
  /** Local name of the Body's element: SubmitReq, DeliverRsp, Fault, ... */
  op: string;
  body: XmlElement;
  /** The SOAP part, and the other top-level parts in order. */
  root: MimePart;
  attachments: MimePart[];
  warnings: string[];
}

/** Read the HTTP body of an MM7 request or answer. Throws Mm7Reject with the reason when it breaks the spec. */
export function readEnvelope(contentType: string | undefined, body: Buffer, opts: { answer?: boolean } = {}): Mm7Envelope {
  try {
    return readEnvelopeStrict(contentType, body, opts.answer ?? false);
  } catch (e) {
    if (e instanceof MimeError || e instanceof XmlError) throw new Mm7Reject(e.message);
    throw e;
  }
}

function readEnvelopeStrict(contentType: string | undefined, body: Buffer, answer: boolean): Mm7Envelope {
  const warnings: string[] = [];
  if (!contentType) throw new Mm7Reject('no Content-Type header');
  const ct = parseContentType(contentType);
  let root: MimePart;
  let attachments: MimePart[] = [];
  if (ct.type === 'text/xml') {
    root = { contentType, type: ct.type, params: ct.params, headers: { 'content-type': contentType }, data: body };
  } else if (ct.type === 'multipart/related') {
    // SOAP Messages with Attachments §3 / RFC 2387: type="text/xml" names the root's type; start names the root.
    if (ct.params.type?.toLowerCase() !== 'text/xml') throw new Mm7Reject(`multipart/related without type="text/xml" (got ${ct.params.type ?? 'none'})`);
    const parts = parseMultipart(body, ct.params.boundary ?? '');
    if (parts.length === 0) throw new Mm7Reject('multipart/related with no parts');
    let rootIndex = 0;
    if (ct.params.start === undefined) warnings.push('multipart/related without a start parameter: the first part is the SOAP part');
    else {
      const start = stripBrackets(ct.params.start);
      if (start === ct.params.start) warnings.push(`start="${ct.params.start}" without <> (RFC 2387 start is a Content-ID, written <...>)`);
      rootIndex = parts.findIndex((p) => p.contentId === start);
      if (rootIndex < 0) throw new Mm7Reject(`start="${ct.params.start}" names no part's Content-ID`);
    }
    root = parts[rootIndex]!;
    attachments = parts.filter((_, i) => i !== rootIndex);
    if (root.type !== 'text/xml') throw new Mm7Reject(`the SOAP part is ${root.type}, not text/xml`);
  } else if (answer && ct.type === 'application/xml') {
    warnings.push('answer in application/xml: SOAP 1.1 over HTTP is text/xml');
    root = { contentType, type: ct.type, params: ct.params, headers: { 'content-type': contentType }, data: body };
  } else throw new Mm7Reject(`Content-Type ${ct.type}: MM7 travels as text/xml or multipart/related`);

  const charset = (root.params.charset ?? 'utf-8').toLowerCase();
  if (charset !== 'utf-8' && charset !== 'us-ascii') throw new Mm7Reject(`SOAP part in charset ${charset} (MM7 peers write UTF-8)`);
  let xmlText: string;
  try {
    xmlText = new TextDecoder('utf-8', { fatal: true }).decode(root.data);
  } catch {
    throw new Mm7Reject('SOAP part is not valid UTF-8');
  }
  const env = parseXml(xmlText);
  if (env.local !== 'Envelope') throw new Mm7Reject(`root element <${env.name}>, not a SOAP Envelope`);
  if (env.ns !== SOAP_ENV_NS) throw new Mm7Reject(`Envelope in namespace ${env.ns ?? '(none)'}, not SOAP 1.1's ${SOAP_ENV_NS}`);
  const header = env.children.find((c) => c.local === 'Header' && c.ns === SOAP_ENV_NS);
  const bodyEl = env.children.find((c) => c.local === 'Body' && c.ns === SOAP_ENV_NS);
  if (!bodyEl) throw new Mm7Reject('SOAP Envelope without a Body');
  if (bodyEl.children.length !== 1) throw new Mm7Reject(`SOAP Body with ${bodyEl.children.length} elements, MM7 puts exactly one there`);
  const op = bodyEl.children[0]!;

  const tid = header && kid(header, 'TransactionID');
  let tidNs: string | undefined;
  if (!tid) {
    if (!answer || op.local !== 'Fault') throw new Mm7Reject('no TransactionID in the SOAP Header (TS 23.140 puts it there)');
  } else {
    tidNs = tid.ns;
    if (!releaseOf(tidNs)) throw new Mm7Reject(`TransactionID in namespace ${tidNs ?? '(none)'}, not an MM7 schema namespace`);
    if (tid.attrs[`{${SOAP_ENV_NS}}mustUnderstand`] !== '1') warnings.push('TransactionID without env:mustUnderstand="1"');
    if (!tid.text) throw new Mm7Reject('empty TransactionID');
  }
  let namespace: string | undefined;
  if (op.local === 'Fault') {
    if (op.ns !== SOAP_ENV_NS) throw new Mm7Reject(`Fault in namespace ${op.ns ?? '(none)'}, not SOAP's`);
    namespace = tidNs ?? releaseNsIn(op);
  } else if (op.ns === undefined) {
    warnings.push(`${op.local} is in no namespace (the MM7 schema's elements are qualified)`);
    namespace = tidNs;
  } else {
    if (!releaseOf(op.ns)) throw new Mm7Reject(`${op.local} in namespace ${op.ns}, not an MM7 schema namespace`);
    if (tidNs && op.ns !== tidNs) warnings.push(`TransactionID in ${tidNs} but ${op.local} in ${op.ns}`);
    namespace = op.ns;
  }
  const release = releaseOf(namespace);
  if (!namespace || !release) throw new Mm7Reject('no MM7 namespace to answer in', 2007);
  for (const c of op.children) if (op.local !== 'Fault' && c.ns !== op.ns) warnings.push(`<${c.name}> is not in ${op.local}'s namespace`);
  return { namespace, release, transactionId: tid?.text, op: op.local, body: op, root, attachments, warnings };
}

function releaseNsIn(el: XmlElement): string | undefined {
  if (releaseOf(el.ns)) return el.ns;
  for (const c of el.children) {
    const ns = releaseNsIn(c);
    if (ns) return ns;
  }
  return undefined;
}

function stripBrackets(s: string): string {
  return s.replace(/^<(.*)>$/, '$1');
}

export function readAddress(el: XmlElement, where: string): Mm7Address {
  if (el.local !== 'Number' && el.local !== 'ShortCode' && el.local !== 'RFC2822Address')
    throw new Mm7Reject(`<${el.name}> in ${where}: an address is Number, ShortCode or RFC2822Address`, 2002);
  if (!el.text) throw new Mm7Reject(`empty <${el.name}> in ${where}`, 2002);
  const a: Mm7Address = { kind: el.local, value: el.text };
  if (el.attrs.displayOnly !== undefined) a.displayOnly = readBoolean(el.attrs.displayOnly, 'displayOnly');
  return a;
}

/** The one address inside Sender / SenderAddress / Recipient. */
export function oneAddress(el: XmlElement | undefined, where: string): Mm7Address | undefined {
  if (!el) return undefined;
  if (el.children.length !== 1) throw new Mm7Reject(`${where} holds ${el.children.length} addresses, not one`, 2002);
  return readAddress(el.children[0]!, where);
}

export function readRecipients(el: XmlElement | undefined, required: boolean): { to: Mm7Address[]; cc: Mm7Address[]; bcc: Mm7Address[] } {
  const r = { to: [] as Mm7Address[], cc: [] as Mm7Address[], bcc: [] as Mm7Address[] };
  if (!el) {
    if (required) throw new Mm7Reject('no Recipients', 2002);
    return r;
  }
  for (const group of el.children) {
    const list = group.local === 'To' ? r.to : group.local === 'Cc' ? r.cc : group.local === 'Bcc' ? r.bcc : undefined;
    if (!list) throw new Mm7Reject(`<${group.name}> in Recipients: only To, Cc and Bcc`, 2002);
    if (group.children.length === 0) throw new Mm7Reject(`empty <${group.name}> in Recipients`, 2002);
    for (const a of group.children) list.push(readAddress(a, `Recipients/${group.local}`));
  }
  if (required && r.to.length + r.cc.length + r.bcc.length === 0) throw new Mm7Reject('Recipients without any address', 2002);
  return r;
}

function readBoolean(v: string, what: string): boolean {
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new Mm7Reject(`${what} "${v}" is not an xs:boolean`, 2007);
}

export function optionalBoolean(el: XmlElement, name: string): boolean | undefined {
  const v = textAt(el, name);
  return v === undefined ? undefined : readBoolean(v, name);
}

export function requireVersion(el: XmlElement): string {
  const v = textAt(el, 'MM7Version');
  if (v === undefined) throw new Mm7Reject(`${el.local} without MM7Version`);
  if (!/^\d+\.\d+\.\d+$/.test(v)) throw new Mm7Reject(`MM7Version "${v}" is not n.n.n`);
  return v;
}

/** Children out of the schema's sequence order: a warning each (a validating MMSC refuses them). */
export function orderWarnings(el: XmlElement, sequence: readonly string[]): string[] {
  const out: string[] = [];
  let last = -1;
  let lastName = '';
  for (const c of el.children) {
    const i = sequence.indexOf(c.local);
    if (i < 0) {
      out.push(`<${c.local}> is not an element of ${el.local}`);
      continue;
    }
    if (i < last) out.push(`${el.local}: <${c.local}> after <${lastName}>, against the schema's sequence`);
    else {
      last = i;
      lastName = c.local;
    }
  }
  return out;
}

export interface ContentRef {
  href: string;
  allowAdaptations?: boolean;
  /** The referenced part as it came (a multipart/related holding the media, or one media part). */
  part: MimePart;
  /** The MMS's parts in order: the referenced multipart's parts, or the referenced part alone. */
  parts: MimePart[];
}

/** Resolve <Content href="cid:..."> to its attachment, strictly: a cid: URL (RFC 2392) naming a Content-ID. */
export function readContent(env: Mm7Envelope, warnings: string[]): ContentRef | undefined {
  const content = kid(env.body, 'Content');
  if (!content) {
    if (env.attachments.length > 0) warnings.push(`${env.op} has attachments but no <Content> pointing at them`);
    return undefined;
  }
  const href = content.attrs.href;
  if (href === undefined) throw new Mm7Reject('<Content> without href');
  if (!href.toLowerCase().startsWith('cid:')) throw new Mm7Reject(`Content href="${href}" is not a cid: URL (RFC 2392)`);
  let id: string;
  try {
    id = decodeURIComponent(href.slice(4));
  } catch {
    throw new Mm7Reject(`Content href="${href}" has a bad %-escape`);
  }
  const part = env.attachments.find((p) => p.contentId === id);
  if (!part) throw new Mm7Reject(`Content href="${href}" names no attachment's Content-ID`);
  const others = env.attachments.length - 1;
  if (others > 0) warnings.push(`${others} attachment(s) besides the one Content points at: not part of the MMS`);
  if (!/^<.*>$/.test(part.headers['content-id'] ?? '')) warnings.push(`Content-ID "${part.headers['content-id']}" without <> (RFC 2392 msg-id form)`);
  let parts = [part];
  if (part.type.startsWith('multipart/')) {
    parts = parseMultipart(part.data, part.params.boundary ?? '');
    for (const p of parts)
      if (p.contentId !== undefined && !/^<.*>$/.test(p.headers['content-id']!)) warnings.push(`Content-ID "${p.headers['content-id']}" without <>`);
  }
  const ref: ContentRef = { href, part, parts };
  if (content.attrs.allowAdaptations !== undefined) ref.allowAdaptations = readBoolean(content.attrs.allowAdaptations, 'allowAdaptations');
  return ref;
}

// ---- writing ----------------------------------------------------------------------------------------

export interface WriteStyle {
  /** Prefix of MM7 elements; '' writes them in a default namespace (xmlns="..."). Default "mm7". */
  prefix?: string;
  /** Prefix of the SOAP envelope. Default "env". */
  envPrefix?: string;
}

/** Writes elements of one MM7 namespace with a chosen prefix. */
export class Writer {
  readonly p: string;
  readonly env: string;
  constructor(
    readonly ns: string,
    style: WriteStyle = {},
  ) {
    this.p = style.prefix === undefined ? 'mm7' : style.prefix;
    this.env = style.envPrefix ?? 'env';
  }
  name(local: string): string {
    return this.p ? `${this.p}:${local}` : local;
  }
  /** `<mm7:Name attrs>content</mm7:Name>`; content is raw XML (escape text with `esc`); undefined drops the element. */
  el(local: string, content: string | undefined, attrs: Record<string, string | undefined> = {}): string {
    if (content === undefined) return '';
    const a = Object.entries(attrs)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => ` ${k}="${esc(v!)}"`)
      .join('');
    return content === '' ? `<${this.name(local)}${a}/>` : `<${this.name(local)}${a}>${content}</${this.name(local)}>`;
  }
  text(local: string, value: string | number | boolean | undefined): string {
    return value === undefined ? '' : this.el(local, esc(String(value)) || '', {});
  }
  address(local: string, a: Mm7Address | undefined): string {
    return a ? this.el(local, this.el(a.kind, esc(a.value), { displayOnly: a.displayOnly === undefined ? undefined : String(a.displayOnly) })) : '';
  }
  status(s: Mm7Status): string {
    return this.el(
      'Status',
      this.text('StatusCode', s.code) + this.text('StatusText', s.text ?? STATUS_TEXT[s.code] ?? 'Status') + this.text('Details', s.details),
    );
  }
  /** The whole envelope around one MM7 body element (already written with `el`). */
  envelope(transactionId: string | undefined, bodyElement: string): string {
    return this.soap(transactionId, this.own(bodyElement));
  }
  /** A SOAP Fault (SOAP's own element) whose detail is an RSErrorRsp / VASPErrorRsp carrying the MM7 status. */
  fault(
    transactionId: string | undefined,
    faultCode: 'Client' | 'Server',
    faultString: string,
    errorRsp: 'RSErrorRsp' | 'VASPErrorRsp',
    mm7Version: string,
    s: Mm7Status,
  ): string {
    const e = this.env;
    const detail = this.own(this.el(errorRsp, this.text('MM7Version', mm7Version) + this.status(s)));
    return this.soap(
      transactionId,
      `<${e}:Fault><faultcode>${e}:${faultCode}</faultcode><faultstring>${esc(faultString)}</faultstring><detail>${detail}</detail></${e}:Fault>`,
    );
  }
  /** In the default-namespace style each MM7 element tree declares xmlns on its first element. */
  private own(xml: string): string {
    return this.p ? xml : xml.replace(/^<([^\s/>]+)/, `<$1 xmlns="${esc(this.ns)}"`);
  }
  private soap(transactionId: string | undefined, bodyContent: string): string {
    const e = this.env;
    const nsDecl = this.p ? ` xmlns:${this.p}="${esc(this.ns)}"` : '';
    const tid =
      transactionId === undefined
        ? ''
        : `<${e}:Header>${this.own(this.el('TransactionID', esc(transactionId), { [`${e}:mustUnderstand`]: '1' }))}</${e}:Header>`;
    return `<?xml version="1.0" encoding="UTF-8"?>\r\n<${e}:Envelope xmlns:${e}="${SOAP_ENV_NS}"${nsDecl}>${tid}<${e}:Body>${bodyContent}</${e}:Body></${e}:Envelope>\r\n`;
  }
}

/** An answer (Rsp or Fault) as a peer sent it, read strictly; `type: 'other'` with `error` when it is not MM7. */
export interface Mm7Answer {
  httpStatus: number;
  type: 'SubmitRsp' | 'DeliverRsp' | 'DeliveryReportRsp' | 'ReadReplyRsp' | 'Fault' | 'other';
  statusCode?: number;
  statusText?: string;
  details?: string;
  messageId?: string;
  transactionId?: string;
  namespace?: string;
  mm7Version?: string;
  faultCode?: string;
  faultString?: string;
  warnings: string[];
  /** Why the answer is not a readable MM7 answer (type 'other'). */
  error?: string;
  contentType?: string;
  raw: Buffer;
}

export function readAnswer(httpStatus: number, contentType: string | undefined, raw: Buffer): Mm7Answer {
  const a: Mm7Answer = { httpStatus, type: 'other', warnings: [], raw };
  if (contentType !== undefined) a.contentType = contentType;
  let env: Mm7Envelope;
  try {
    env = readEnvelope(contentType, raw, { answer: true });
  } catch (e) {
    a.error = (e as Error).message;
    return a;
  }
  a.warnings = env.warnings;
  a.namespace = env.namespace;
  if (env.transactionId !== undefined) a.transactionId = env.transactionId;
  const body = env.body;
  if (env.op === 'Fault') {
    a.type = 'Fault';
    a.faultCode = textAt(body, 'faultcode');
    a.faultString = textAt(body, 'faultstring');
    const errorRsp = kid(body, 'detail')?.children[0];
    if (errorRsp) readStatus(errorRsp, a);
    if (httpStatus !== 500) a.warnings.push(`SOAP Fault with HTTP ${httpStatus} (SOAP 1.1 §6.2 says 500)`);
    return a;
  }
  if (env.op !== 'SubmitRsp' && env.op !== 'DeliverRsp' && env.op !== 'DeliveryReportRsp' && env.op !== 'ReadReplyRsp') {
    a.error = `unexpected ${env.op} in an answer`;
    return a;
  }
  a.type = env.op;
  try {
    a.mm7Version = requireVersion(body);
  } catch (e) {
    a.warnings.push((e as Error).message);
  }
  readStatus(body, a);
  if (a.statusCode === undefined) {
    a.type = 'other';
    a.error = `${env.op} without Status/StatusCode`;
  }
  const mid = textAt(body, 'MessageID');
  if (mid !== undefined) a.messageId = mid;
  if (httpStatus !== 200) a.warnings.push(`${env.op} with HTTP ${httpStatus}`);
  return a;
}

function readStatus(el: XmlElement, a: Mm7Answer): void {
  const st = kid(el, 'Status') ?? el; // RSErrorRsp in REL-5 faults may hold the codes directly
  const code = textAt(st, 'StatusCode');
  if (code !== undefined && /^\d+$/.test(code)) a.statusCode = Number(code);
  const text = textAt(st, 'StatusText');
  if (text !== undefined) a.statusText = text;
  const details = textAt(st, 'Details');
  if (details !== undefined) a.details = details;
  const v = textAt(el, 'MM7Version');
  if (v !== undefined) a.mm7Version = v;
}

export const SUBMIT_REQ_ORDER = [
  'MM7Version',
  'SenderIdentification',
  'Recipients',
  'PreferredChannels',
  'ServiceCode',
  'LinkedID',
  'MessageClass',
  'TimeStamp',
  'ReplyCharging',
  'EarliestDeliveryTime',
  'ExpiryDate',
  'DeliveryReport',
  'ReadReply',
  'Priority',
  'Subject',
  'ChargedParty',
  'ChargedPartyID',
  'ThirdPartyPayer',
  'DistributionIndicator',
  'DeliveryCondition',
  'ApplicID',
  'ReplyApplicID',
  'AuxApplicInfo',
  'ContentClass',
  'DRMContent',
  'Content',
] as const;
