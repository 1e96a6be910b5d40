// The MM7 requests the simulator reads: SubmitReq (a VASP, the gateway, submits to the MMSC) on its server
// side, and DeliverReq / DeliveryReportReq / ReadReplyReq for a test-side stub that stands where the
// gateway's inbound endpoint would (to check the simulator's own client against its own reading).
import type { MimePart } from './mime.ts';
import {
  Mm7Reject,
  SUBMIT_REQ_ORDER,
  oneAddress,
  optionalBoolean,
  orderWarnings,
  readContent,
  readEnvelope,
  readRecipients,
  requireVersion,
  type Mm7Address,
  type Mm7Envelope,
  type Mm7Release,
  type Mm7Status,
  Writer,
} from './mm7.ts';
import { kid, textAt } from './xml.ts';

/** What every request records about its envelope. */
export interface RequestEnvelope {
  transactionId: string;
  namespace: string;
  release: Mm7Release;
  mm7Version: string;
  /** Spec deviations that a tolerant MMSC lets through (element order, missing mustUnderstand, ...). */
  warnings: string[];
}

export interface SubmitFields extends RequestEnvelope {
  vaspId?: string;
  vasId?: string;
  sender?: Mm7Address;
  to: Mm7Address[];
  cc: Mm7Address[];
  bcc: Mm7Address[];
  serviceCode?: string;
  linkedId?: string;
  messageClass?: string;
  timeStamp?: string;
  expiryDate?: string;
  earliestDeliveryTime?: string;
  deliveryReport?: boolean;
  readReply?: boolean;
  priority?: string;
  subject?: string;
  chargedParty?: string;
  /** The Content element's href ("cid:..."), allowAdaptations, and the referenced part's Content-Type. */
  content?: { href: string; allowAdaptations?: boolean; contentType: string };
  /** The MMS's parts in order, bytes after transfer decoding. */
  parts: MimePart[];
}

function envelopeOf(env: Mm7Envelope): RequestEnvelope {
  if (env.transactionId === undefined) throw new Mm7Reject('no TransactionID');
  return {
    transactionId: env.transactionId,
    namespace: env.namespace,
    release: env.release,
    mm7Version: requireVersion(env.body),
    warnings: [...env.warnings],
  };
}

const PRIORITIES = ['High', 'Normal', 'Low'];
const MESSAGE_CLASSES = ['Personal', 'Informational', 'Advertisement', 'Auto'];

/** A SubmitReq's fields; Mm7Reject when the request breaks TS 23.140. */
export function readSubmitReq(env: Mm7Envelope): SubmitFields {
  if (env.op !== 'SubmitReq') throw new Mm7Reject(`${env.op} is not an operation this MMSC accepts from a VASP`, 4003);
  const b = env.body;
  const out: SubmitFields = { ...envelopeOf(env), to: [], cc: [], bcc: [], parts: [] };
  out.warnings.push(...orderWarnings(b, SUBMIT_REQ_ORDER));
  const sid = kid(b, 'SenderIdentification');
  if (!sid) throw new Mm7Reject('SubmitReq without SenderIdentification', 4001);
  set(out, 'vaspId', textAt(sid, 'VASPID'));
  set(out, 'vasId', textAt(sid, 'VASID'));
  set(out, 'sender', oneAddress(kid(sid, 'SenderAddress'), 'SenderAddress'));
  Object.assign(out, readRecipients(kid(b, 'Recipients'), true));
  set(out, 'serviceCode', textAt(b, 'ServiceCode'));
  set(out, 'linkedId', textAt(b, 'LinkedID'));
  set(out, 'messageClass', oneOf(textAt(b, 'MessageClass'), MESSAGE_CLASSES, 'MessageClass'));
  set(out, 'timeStamp', dateTime(textAt(b, 'TimeStamp'), 'TimeStamp'));
  set(out, 'expiryDate', textAt(b, 'ExpiryDate'));
  set(out, 'earliestDeliveryTime', textAt(b, 'EarliestDeliveryTime'));
  set(out, 'deliveryReport', optionalBoolean(b, 'DeliveryReport'));
  set(out, 'readReply', optionalBoolean(b, 'ReadReply'));
  set(out, 'priority', oneOf(textAt(b, 'Priority'), PRIORITIES, 'Priority'));
  set(out, 'subject', textAt(b, 'Subject'));
  set(out, 'chargedParty', textAt(b, 'ChargedParty'));
  const content = readContent(env, out.warnings);
  if (content) {
    out.content = { href: content.href, contentType: content.part.contentType };
    if (content.allowAdaptations !== undefined) out.content.allowAdaptations = content.allowAdaptations;
    out.parts = content.parts;
  } else out.warnings.push('SubmitReq without Content: an MMS with nothing in it');
  return out;
}

export interface DeliverRequest extends RequestEnvelope {
  type: 'DeliverReq';
  relayServerId?: string;
  linkedId?: string;
  /** Not in the schema's DeliverReq; some MMSCs add it. */
  messageId?: string;
  sender: Mm7Address;
  to: Mm7Address[];
  cc: Mm7Address[];
  bcc: Mm7Address[];
  subject?: string;
  priority?: string;
  timeStamp?: string;
  parts: MimePart[];
}

export interface ReportRequest extends RequestEnvelope {
  type: 'DeliveryReportReq' | 'ReadReplyReq';
  relayServerId?: string;
  messageId: string;
  recipient: Mm7Address;
  sender?: Mm7Address;
  /** Date (DeliveryReportReq) or TimeStamp (ReadReplyReq). */
  date?: string;
  mmStatus: string;
  statusText?: string;
}

/** Read a request an MMSC sends to a VASP (what the gateway's inbound MM7 endpoint receives). Throws Mm7Reject. */
export function parseDeliverRequest(contentType: string | undefined, body: Buffer): DeliverRequest | ReportRequest {
  const env = readEnvelope(contentType, body);
  const b = env.body;
  if (env.op === 'DeliverReq') {
    const sender = oneAddress(kid(b, 'Sender'), 'Sender');
    if (!sender) throw new Mm7Reject('DeliverReq without Sender', 2002);
    const out: DeliverRequest = { type: 'DeliverReq', ...envelopeOf(env), sender, ...readRecipients(kid(b, 'Recipients'), false), parts: [] };
    set(out, 'relayServerId', textAt(b, 'MMSRelayServerID'));
    set(out, 'linkedId', textAt(b, 'LinkedID'));
    set(out, 'messageId', textAt(b, 'MessageID'));
    set(out, 'subject', textAt(b, 'Subject'));
    set(out, 'priority', oneOf(textAt(b, 'Priority'), PRIORITIES, 'Priority'));
    set(out, 'timeStamp', dateTime(textAt(b, 'TimeStamp'), 'TimeStamp'));
    out.parts = readContent(env, out.warnings)?.parts ?? [];
    return out;
  }
  if (env.op === 'DeliveryReportReq' || env.op === 'ReadReplyReq') {
    const messageId = textAt(b, 'MessageID');
    if (!messageId) throw new Mm7Reject(`${env.op} without MessageID`, 2005);
    const recipient = oneAddress(kid(b, 'Recipient'), 'Recipient');
    if (!recipient) throw new Mm7Reject(`${env.op} without Recipient`, 2002);
    const mmStatus = textAt(b, 'MMStatus');
    if (!mmStatus) throw new Mm7Reject(`${env.op} without MMStatus`);
    const out: ReportRequest = { type: env.op, ...envelopeOf(env), messageId, recipient, mmStatus };
    set(out, 'relayServerId', textAt(b, 'MMSRelayServerID'));
    set(out, 'sender', oneAddress(kid(b, 'Sender'), 'Sender'));
    set(out, 'date', dateTime(textAt(b, env.op === 'DeliveryReportReq' ? 'Date' : 'TimeStamp'), 'Date'));
    set(out, 'statusText', textAt(b, 'StatusText'));
    return out;
  }
  throw new Mm7Reject(`${env.op} is not an operation a VASP accepts`, 4003);
}

function set<T extends object, K extends keyof T>(o: T, k: K, v: T[K] | undefined): void {
  if (v !== undefined) o[k] = v;
}

function oneOf(v: string | undefined, allowed: string[], what: string): string | undefined {
  if (v !== undefined && !allowed.includes(v)) throw new Mm7Reject(`${what} "${v}" is not one of ${allowed.join(', ')}`, 2007);
  return v;
}

function dateTime(v: string | undefined, what: string): string | undefined {
  if (v !== undefined && !/^-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$/.test(v))
    throw new Mm7Reject(`${what} "${v}" is not an xs:dateTime`, 2007);
  return v;
}

/** The Rsp a VASP answers to a request read by parseDeliverRequest (for test-side stubs), in its namespace. */
export function rspFor(req: DeliverRequest | ReportRequest, status: Mm7Status = { code: 1000 }): string {
  const w = new Writer(req.namespace);
  const op = req.type === 'DeliverReq' ? 'DeliverRsp' : req.type === 'DeliveryReportReq' ? 'DeliveryReportRsp' : 'ReadReplyRsp';
  return w.envelope(req.transactionId, w.el(op, w.text('MM7Version', req.mm7Version) + w.status(status)));
}
