// Reading an MM7 HTTP body (request or response) into the plain objects of types.ts. Lenient where deployed
// MMSCs differ (prefixes, element order, case, `cid:` missing, Content-ID with or without <>, no href, no
// `start`, LF line ends, a multipart/related Content-Type over a bare XML body); refuses with Mm7Error what
// it cannot read faithfully. Statuses follow TS 23.140: 4004 Validation error for XML that cannot be parsed
// or a mandatory element that is missing, 2007 Message format corrupt for an element whose value is not in
// its format, 4003 for an operation we do not implement, 4002 for an MM7 schema release we do not know,
// 2004 Multimedia content refused for content that cannot be read (broken nested multipart, href to nothing).
import type { Part } from 'nowsms';
import { Mm7Error, type Mm7Operation } from './errors.ts';
import { decodeTransfer, MultipartError, parseContentType, splitMultipart, stripAngles, type MimePart } from './multipart.ts';
import type {
  DeliverReq,
  DeliveryReportReq,
  Mm7Address,
  Mm7Fault,
  Mm7Http,
  Mm7Message,
  Mm7Recipients,
  Mm7Status,
  Mm7Version,
  ReadReplyReq,
  SubmitReq,
} from './types.ts';
import { isMm7Namespace, versionOfNamespace } from './versions.ts';
import { all, attr, child, childText, declaredNamespaces, elementNames, hasDeclarations, parseXml, textOf, type XNode, type XValue } from './xml.ts';

export interface ParseOptions {
  /** Most MMS parts accepted in one request (default 100): more is refused with 2004. */
  maxParts?: number;
}

export interface ReadMm7 {
  message: Mm7Message;
  /** The schema release of the namespace the message used, when it named a known one. */
  version?: Mm7Version;
}

const DEFAULT_MAX_PARTS = 100;
const MAX_DEPTH = 8;

const OPERATIONS: Record<string, string> = {
  submitreq: 'SubmitReq',
  deliverreq: 'DeliverReq',
  deliveryreportreq: 'DeliveryReportReq',
  readreplyreq: 'ReadReplyReq',
  submitrsp: 'SubmitRsp',
  deliverrsp: 'DeliverRsp',
  deliveryreportrsp: 'DeliveryReportRsp',
  readreplyrsp: 'ReadReplyRsp',
  fault: 'Fault',
  rserrorrsp: 'RSErrorRsp',
  vasperrorrsp: 'VASPErrorRsp',
};

const REQUESTS = new Set(['SubmitReq', 'DeliverReq', 'DeliveryReportReq', 'ReadReplyReq']);

/** The message an MM7 HTTP body carries. Throws Mm7Error (see errors.ts) for what it refuses. */
export function parseMm7(http: Mm7Http, opts: ParseOptions = {}): Mm7Message {
  return readMm7(http, opts).message;
}

/** parseMm7, and the schema release the message was written in (to answer in the same one). */
export function readMm7(http: Mm7Http, opts: ParseOptions = {}): ReadMm7 {
  const { xml, others } = splitEnvelope(http);
  if (hasDeclarations(xml)) throw new Mm7Error(4004, 'XML with a DOCTYPE or ENTITY declaration is refused', { fault: true });

  let root: XNode;
  try {
    root = parseXml(xml);
  } catch (e) {
    throw new Mm7Error(4004, `the SOAP XML cannot be parsed: ${(e as Error).message}`, { fault: true, cause: e });
  }
  const envelope = child(root, 'envelope');
  const body = child(envelope, 'body');
  if (body === undefined || typeof body === 'string') throw new Mm7Error(4004, 'no SOAP Envelope with a Body', { fault: true });
  const transactionId = childText(child(envelope, 'header'), 'transactionid');

  const opKey = elementNames(body)[0];
  if (opKey === undefined) throw new Mm7Error(4004, 'the SOAP Body is empty', { fault: true, transactionId });
  const op = OPERATIONS[opKey];
  if (op === undefined) throw new Mm7Error(4003, `the operation ${opKey} is not supported`, { fault: true, transactionId });
  const isRequest = REQUESTS.has(op);
  const operation = isRequest ? (op as Mm7Operation) : undefined;

  // A request in a schema release we do not know is refused; an answer is read anyway (refusing the
  // MMSC's answer to a SubmitReq it accepted would only send the MMS twice).
  let version: Mm7Version | undefined;
  for (const ns of declaredNamespaces(xml)) {
    if (!isMm7Namespace(ns)) continue;
    const v = versionOfNamespace(ns);
    if (!v && isRequest)
      throw new Mm7Error(4002, `the MM7 schema ${ns} is not one we read (REL-5-MM7-1-0 to REL-6-MM7-1-4)`, { fault: false, transactionId, operation });
    version ??= v;
  }

  const node = child(body, opKey)!;
  const ctx: Ctx = {
    transactionId,
    operation,
    maxParts: opts.maxParts ?? DEFAULT_MAX_PARTS,
    partCount: 0,
    error: (code, details) => new Mm7Error(code, details, { fault: false, transactionId, operation }),
  };
  if (isRequest) {
    if (transactionId === undefined) throw ctx.error(4004, 'the SOAP Header has no TransactionID');
    const mm7Version = childText(node, 'mm7version');
    if (mm7Version === undefined) throw ctx.error(4004, `${op} has no MM7Version`);
    if (!/^[56]\.\d+\.\d+$/.test(mm7Version)) throw ctx.error(4002, `MM7Version ${mm7Version} is not supported (5.x.x and 6.x.x are)`);
  }
  const message = readOperation(op, node, others, ctx);
  return version ? { message, version } : { message };
}

interface Ctx {
  transactionId: string | undefined;
  operation: Mm7Operation | undefined;
  maxParts: number;
  partCount: number;
  error(code: number, details: string): Mm7Error;
}

function readOperation(op: string, node: XValue, others: MimePart[], ctx: Ctx): Mm7Message {
  const tid = ctx.transactionId ?? '';
  switch (op) {
    case 'SubmitReq':
      return readSubmitReq(node, others, ctx);
    case 'DeliverReq':
      return readDeliverReq(node, others, ctx);
    case 'DeliveryReportReq':
      return readReport('DeliveryReportReq', node, ctx);
    case 'ReadReplyReq':
      return readReport('ReadReplyReq', node, ctx);
    case 'SubmitRsp':
      return clean({ type: 'SubmitRsp', transactionId: tid, status: readStatus(node, ctx), messageId: childText(node, 'messageid') });
    case 'DeliverRsp':
      return clean({ type: 'DeliverRsp', transactionId: tid, status: readStatus(node, ctx), serviceCode: childText(node, 'servicecode') });
    case 'DeliveryReportRsp':
    case 'ReadReplyRsp':
      return { type: op, transactionId: tid, status: readStatus(node, ctx) };
    case 'Fault':
      return readFault(node, ctx);
    default: {
      // An RSErrorRsp / VASPErrorRsp straight in the Body (some MMSCs answer so instead of a Fault).
      const status = readStatus(node, ctx);
      return clean({
        type: 'Fault',
        faultCode: status.code >= 2000 && status.code < 3000 ? 'Client' : 'Server',
        faultString: status.text ?? 'error',
        transactionId: ctx.transactionId,
        status,
      }) as Mm7Fault;
    }
  }
}

function readSubmitReq(node: XValue, others: MimePart[], ctx: Ctx): SubmitReq {
  const ident = child(node, 'senderidentification');
  const recipients = readRecipients(child(node, 'recipients'));
  if (recipients.to.length + recipients.cc.length + recipients.bcc.length === 0) throw ctx.error(4004, 'SubmitReq has no recipient');
  const senderNode = child(ident, 'senderaddress');
  return clean({
    type: 'SubmitReq',
    transactionId: ctx.transactionId!,
    vaspId: childText(ident, 'vaspid'),
    vasId: childText(ident, 'vasid'),
    sender: senderNode === undefined ? undefined : readAddress(senderNode),
    recipients,
    serviceCode: childText(node, 'servicecode'),
    linkedId: childText(node, 'linkedid'),
    messageClass: childText(node, 'messageclass'),
    subject: childText(node, 'subject'),
    deliveryReport: readBoolean(node, 'deliveryreport', ctx),
    readReply: readBoolean(node, 'readreply', ctx),
    priority: readPriority(node, ctx),
    timeStamp: readDate(node, 'timestamp', ctx),
    expiryDate: readDate(node, 'expirydate', ctx),
    content: readContent(child(node, 'content'), others, ctx),
  });
}

function readDeliverReq(node: XValue, others: MimePart[], ctx: Ctx): DeliverReq {
  const senderNode = child(node, 'sender');
  const sender = senderNode === undefined ? undefined : readAddress(child(senderNode, 'senderaddress') ?? senderNode);
  if (!sender) throw ctx.error(4004, 'DeliverReq has no Sender address');
  return clean({
    type: 'DeliverReq',
    transactionId: ctx.transactionId!,
    mmsRelayServerId: childText(node, 'mmsrelayserverid'),
    linkedId: childText(node, 'linkedid'),
    sender,
    recipients: readRecipients(child(node, 'recipients')),
    subject: childText(node, 'subject'),
    priority: readPriority(node, ctx),
    timeStamp: readDate(node, 'timestamp', ctx),
    messageId: childText(node, 'messageid'),
    content: readContent(child(node, 'content'), others, ctx),
  });
}

function readReport(type: 'DeliveryReportReq' | 'ReadReplyReq', node: XValue, ctx: Ctx): DeliveryReportReq | ReadReplyReq {
  const messageId = childText(node, 'messageid');
  if (messageId === undefined) throw ctx.error(4004, `${type} has no MessageID`);
  const recipientNode = child(node, 'recipient');
  const recipient = recipientNode === undefined ? undefined : readAddress(recipientNode);
  if (!recipient) throw ctx.error(4004, `${type} has no Recipient address`);
  const mmStatus = childText(node, 'mmstatus');
  if (mmStatus === undefined) throw ctx.error(4004, `${type} has no MMStatus`);
  const senderNode = child(node, 'sender');
  const common = {
    transactionId: ctx.transactionId!,
    messageId,
    recipient,
    sender: senderNode === undefined ? undefined : readAddress(senderNode),
    mmStatus,
    statusText: childText(node, 'statustext'),
  };
  return type === 'DeliveryReportReq'
    ? clean({ type, ...common, date: readDate(node, 'date', ctx) })
    : clean({ type, ...common, timeStamp: readDate(node, 'timestamp', ctx) });
}

function readFault(node: XValue, ctx: Ctx): Mm7Fault {
  // SOAP 1.1 faultcode/faultstring; SOAP 1.2 Code/Value and Reason/Text read too.
  const code = (childText(node, 'faultcode') ?? childText(child(node, 'code'), 'value') ?? '').replace(/^.*:/, '').toLowerCase();
  const faultString = childText(node, 'faultstring') ?? childText(child(node, 'reason'), 'text') ?? '';
  const detail = child(node, 'detail');
  let status: Mm7Status | undefined;
  const holders = [detail, ...elementNames(detail).flatMap((n) => all(detail, n))];
  for (const h of holders) {
    if (child(h, 'status') !== undefined || child(h, 'statuscode') !== undefined) {
      status = readStatus(h!, ctx);
      break;
    }
  }
  return clean({
    type: 'Fault',
    // "Client.Authentication" and the like are Client faults too.
    faultCode: /^(?:client|sender)\b/.test(code) ? 'Client' : 'Server',
    faultString,
    transactionId: ctx.transactionId,
    status,
  }) as Mm7Fault;
}

function readStatus(node: XValue, ctx: Ctx): Mm7Status {
  const s = child(node, 'status') ?? node;
  const codeText = childText(s, 'statuscode');
  if (codeText === undefined) throw ctx.error(4004, 'the Status has no StatusCode');
  if (!/^\d{1,9}$/.test(codeText)) throw ctx.error(2007, `StatusCode "${codeText}" is not a number`);
  return clean({ code: Number(codeText), text: childText(s, 'statustext'), details: textOfDetails(child(s, 'details')) });
}

function textOfDetails(v: XValue | undefined): string | undefined {
  if (v === undefined) return undefined;
  const t = textOf(v)?.trim();
  if (t) return t;
  // Details may hold elements (an xs:anyType): keep their text.
  const parts = elementNames(v).flatMap((n) => all(v, n).map((x) => textOf(x)?.trim() ?? ''));
  const joined = parts.filter(Boolean).join(' ');
  return joined || undefined;
}

function readRecipients(node: XValue | undefined): Mm7Recipients {
  return {
    to: all(node, 'to').flatMap(readAddresses),
    cc: all(node, 'cc').flatMap(readAddresses),
    bcc: all(node, 'bcc').flatMap(readAddresses),
  };
}

const KINDS: [string, Mm7Address['kind']][] = [
  ['number', 'number'],
  ['shortcode', 'shortCode'],
  ['rfc2822address', 'email'],
];

/** Every address an element holds (Number / ShortCode / RFC2822Address children, or bare text). */
function readAddresses(node: XValue): Mm7Address[] {
  const out: Mm7Address[] = [];
  for (const [el, kind] of KINDS) {
    for (const v of all(node, el)) {
      const t = textOf(v)?.trim();
      if (t) out.push(addressOf(kind, t));
    }
  }
  if (out.length === 0) {
    const t = textOf(node)?.trim();
    if (t) out.push(bareAddress(t));
  }
  return out;
}

function readAddress(node: XValue): Mm7Address | undefined {
  return readAddresses(node)[0];
}

const PLMN = /^(\+?\d+)\/TYPE=PLMN$/i;

function addressOf(kind: Mm7Address['kind'], value: string): Mm7Address {
  // "+447700900123/TYPE=PLMN" (the MMS address form) is a phone number, however it is wrapped.
  const plmn = PLMN.exec(value);
  if (plmn) return { kind: 'number', value: plmn[1]! };
  return { kind, value };
}

function bareAddress(value: string): Mm7Address {
  if (PLMN.test(value)) return addressOf('number', value);
  if (value.includes('@')) return { kind: 'email', value };
  if (/^\+\d+$/.test(value) || /^\d{7,}$/.test(value)) return { kind: 'number', value };
  return { kind: 'shortCode', value };
}

function readBoolean(node: XValue, name: string, ctx: Ctx): boolean | undefined {
  const t = childText(node, name)?.toLowerCase();
  if (t === undefined) return undefined;
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  throw ctx.error(2007, `${name} "${t}" is not a boolean`);
}

function readDate(node: XValue, name: string, ctx: Ctx): Date | undefined {
  const t = childText(node, name);
  if (t === undefined) return undefined;
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) throw ctx.error(2007, `${name} "${t}" is not a date`);
  return new Date(ms);
}

function readPriority(node: XValue, ctx: Ctx): 'Low' | 'Normal' | 'High' | undefined {
  const t = childText(node, 'priority');
  if (t === undefined) return undefined;
  const p = ({ low: 'Low', normal: 'Normal', high: 'High' } as const)[t.toLowerCase() as 'low'];
  if (!p) throw ctx.error(2007, `Priority "${t}" is not Low, Normal or High`);
  return p;
}

// ---- the HTTP body: SOAP part and the others ----

function splitEnvelope(http: Mm7Http): { xml: string; others: MimePart[] } {
  const ct = parseContentType(http.contentType);
  if (!ct.type.startsWith('multipart/')) return { xml: decodeText(http.body, ct.params.charset), others: [] };
  const boundary = ct.params.boundary;
  if (!boundary) {
    // A multipart/related Content-Type over a bare SOAP body (seen in published examples): read the XML.
    if (looksLikeXml(http.body)) return { xml: decodeText(http.body, ct.params.charset), others: [] };
    throw new Mm7Error(4004, 'the multipart Content-Type has no boundary parameter', { fault: true });
  }
  let parts: MimePart[];
  try {
    parts = splitMultipart(http.body, boundary);
  } catch (e) {
    if (e instanceof MultipartError) throw new Mm7Error(4004, e.message, { fault: true, cause: e });
    throw e;
  }
  if (parts.length === 0) throw new Mm7Error(4004, 'the multipart has no parts', { fault: true });
  let soap = -1;
  const start = ct.params.start ? stripAngles(ct.params.start) : undefined;
  if (start) soap = parts.findIndex((p) => stripAngles(p.headers.get('content-id') ?? '') === start);
  if (soap < 0) soap = isXmlPart(parts[0]!) ? 0 : Math.max(0, parts.findIndex(isXmlPart));
  const soapPart = parts[soap]!;
  let bytes: Buffer;
  try {
    bytes = decodeTransfer(soapPart.body, soapPart.headers.get('content-transfer-encoding'));
  } catch (e) {
    throw new Mm7Error(4004, (e as Error).message, { fault: true, cause: e });
  }
  return { xml: decodeText(bytes, parseContentType(soapPart.headers.get('content-type')).params.charset), others: parts.filter((_, i) => i !== soap) };
}

function isXmlPart(p: MimePart): boolean {
  const t = parseContentType(p.headers.get('content-type')).type;
  return t === 'text/xml' || t === 'application/xml' || t === 'application/soap+xml';
}

function looksLikeXml(body: Buffer): boolean {
  for (const c of body.subarray(0, 256)) {
    if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a || c === 0xef || c === 0xbb || c === 0xbf) continue;
    return c === 0x3c;
  }
  return false;
}

/** The SOAP text: by the charset parameter, else the XML declaration's encoding, else UTF-8. */
function decodeText(bytes: Buffer, charset: string | undefined): string {
  let text: string;
  const declared = /^[\s\uFEFF]*<\?xml[^>]*\bencoding\s*=\s*["']([\w.:-]+)["']/.exec(bytes.toString('latin1', 0, 200))?.[1];
  const cs = (charset ?? declared ?? 'utf-8').toLowerCase();
  if (cs === 'utf-8' || cs === 'utf8' || cs === 'us-ascii') text = bytes.toString('utf8');
  else {
    try {
      text = new TextDecoder(cs).decode(bytes);
    } catch {
      text = bytes.toString('utf8');
    }
  }
  return text.replace(/^\uFEFF/, '').trimStart();
}

// ---- the content: the MMS parts ----

function readContent(contentNode: XValue | undefined, others: MimePart[], ctx: Ctx): Part[] {
  const href = attr(contentNode, 'href')?.trim();
  let chosen: MimePart[];
  if (href) {
    const id = cidOf(href);
    const found =
      others.find((p) => stripAngles(p.headers.get('content-id') ?? '') === id) ??
      others.find((p) => stripAngles(p.headers.get('content-id') ?? '').toLowerCase() === id.toLowerCase()) ??
      others.find((p) => p.headers.get('content-location')?.trim() === id);
    if (!found) throw ctx.error(2004, `Content href "${href}" names no part of the request`);
    chosen = [found];
  } else {
    // No href: the parts after the SOAP part are the content (a single multipart among them is unwrapped).
    chosen = others;
  }
  const out: Part[] = [];
  for (const p of chosen) flatten(p, 0, out, ctx);
  return out;
}

function cidOf(href: string): string {
  let id = stripAngles(href.replace(/^cid:/i, ''));
  if (/%[0-9a-f]{2}/i.test(id)) {
    try {
      id = decodeURIComponent(id);
    } catch {
      // not percent-encoded after all: compared as written
    }
  }
  return id;
}

function flatten(p: MimePart, depth: number, out: Part[], ctx: Ctx): void {
  const ct = parseContentType(p.headers.get('content-type') ?? 'text/plain');
  let data: Buffer;
  try {
    data = decodeTransfer(p.body, p.headers.get('content-transfer-encoding'));
  } catch (e) {
    throw ctx.error(2004, (e as Error).message);
  }
  if (ct.type.startsWith('multipart/')) {
    if (depth >= MAX_DEPTH) throw ctx.error(2004, `the content nests multiparts deeper than ${MAX_DEPTH}`);
    let parts: MimePart[];
    try {
      parts = splitMultipart(data, ct.params.boundary ?? '');
    } catch (e) {
      if (e instanceof MultipartError) throw ctx.error(2004, `the content multipart is broken: ${e.message}`);
      throw e;
    }
    for (const q of parts) flatten(q, depth + 1, out, ctx);
    return;
  }
  if (++ctx.partCount > ctx.maxParts) throw ctx.error(2004, `the content has more than ${ctx.maxParts} parts`);
  const part: Part = { contentType: ct.type + (ct.params.charset ? `; charset=${ct.params.charset}` : ''), data };
  const name = nameOf(p, ct.params);
  if (name) part.name = name;
  const cid = stripAngles(p.headers.get('content-id') ?? '');
  if (cid) part.contentId = cid;
  out.push(part);
}

function nameOf(p: MimePart, params: Record<string, string>): string | undefined {
  const location = p.headers.get('content-location')?.trim();
  if (location) {
    try {
      return decodeURIComponent(location);
    } catch {
      return location;
    }
  }
  if (params.name) return params.name;
  const disposition = parseContentType(`x/x; ${p.headers.get('content-disposition')?.replace(/^[^;]*;?/, '') ?? ''}`);
  return disposition.params.filename || undefined;
}

/** The object without its undefined fields (so results compare equal however they were made). */
function clean<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
