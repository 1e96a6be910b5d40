// The MM7 messages (3GPP TS 23.140, SOAP over HTTP) as the rest of the plug-in sees them: plain objects,
// whatever namespace prefix, element order or schema release they arrived in. The codec (parse.ts,
// build.ts) is the only place that knows XML and MIME.
import type { Part } from 'nowsms';

/** The schema releases we read; we write exactly the one configured. */
export type Mm7Version =
  | 'REL-5-MM7-1-0'
  | 'REL-5-MM7-1-1'
  | 'REL-5-MM7-1-2'
  | 'REL-5-MM7-1-3'
  | 'REL-6-MM7-1-0'
  | 'REL-6-MM7-1-1'
  | 'REL-6-MM7-1-2'
  | 'REL-6-MM7-1-3'
  | 'REL-6-MM7-1-4';

/** An address as MM7 writes it: a phone number, a short code or an e-mail address (RFC2822Address). */
export interface Mm7Address {
  kind: 'number' | 'shortCode' | 'email';
  value: string;
}

export interface Mm7Recipients {
  to: Mm7Address[];
  cc: Mm7Address[];
  bcc: Mm7Address[];
}

/** RequestStatus / Status of every Rsp: 1000 success, 1100 partial, 2xxx client, 3xxx server, 4xxx service errors. */
export interface Mm7Status {
  code: number;
  text?: string;
  details?: string;
}

/** A VASP (or we, as one) submits an MMS to an MMSC. */
export interface SubmitReq {
  type: 'SubmitReq';
  transactionId: string;
  vaspId?: string;
  vasId?: string;
  sender?: Mm7Address;
  recipients: Mm7Recipients;
  serviceCode?: string;
  linkedId?: string;
  messageClass?: string;
  subject?: string;
  deliveryReport?: boolean;
  readReply?: boolean;
  priority?: 'Low' | 'Normal' | 'High';
  timeStamp?: Date;
  expiryDate?: Date;
  /** The MMS content in order; a SMIL part among them when there is one. */
  content: Part[];
}

/** An MMSC hands us an MMS a phone sent. */
export interface DeliverReq {
  type: 'DeliverReq';
  transactionId: string;
  mmsRelayServerId?: string;
  linkedId?: string;
  sender: Mm7Address;
  recipients: Mm7Recipients;
  subject?: string;
  priority?: 'Low' | 'Normal' | 'High';
  timeStamp?: Date;
  /** The MMSC's id of the message, when it gives one (used with the sending account to spot a redelivery). */
  messageId?: string;
  content: Part[];
}

/** What became of an MMS we submitted (MMStatus: Retrieved, Expired, Rejected, Forwarded, Deferred, Indeterminate, Unrecognised, ...). */
export interface DeliveryReportReq {
  type: 'DeliveryReportReq';
  transactionId: string;
  messageId: string;
  recipient: Mm7Address;
  sender?: Mm7Address;
  date?: Date;
  mmStatus: string;
  statusText?: string;
}

/** The recipient read (or deleted unread) an MMS we submitted (MMStatus: Read, Deleted, Indeterminate). */
export interface ReadReplyReq {
  type: 'ReadReplyReq';
  transactionId: string;
  messageId: string;
  recipient: Mm7Address;
  sender?: Mm7Address;
  timeStamp?: Date;
  mmStatus: string;
  statusText?: string;
}

export interface SubmitRsp {
  type: 'SubmitRsp';
  transactionId: string;
  status: Mm7Status;
  /** The MMSC's id for the message: its DeliveryReportReq and ReadReplyReq carry it. */
  messageId?: string;
}

export interface DeliverRsp {
  type: 'DeliverRsp';
  transactionId: string;
  status: Mm7Status;
  serviceCode?: string;
}

export interface DeliveryReportRsp {
  type: 'DeliveryReportRsp';
  transactionId: string;
  status: Mm7Status;
}

export interface ReadReplyRsp {
  type: 'ReadReplyRsp';
  transactionId: string;
  status: Mm7Status;
}

/** A SOAP Fault: what a peer answers to a request it cannot parse or will not process. */
export interface Mm7Fault {
  type: 'Fault';
  /** `Client` (the request is wrong) or `Server`. */
  faultCode: 'Client' | 'Server';
  faultString: string;
  transactionId?: string;
  /** The MM7 status carried in the fault's detail (RSErrorRsp / VASPErrorRsp), when there is one. */
  status?: Mm7Status;
}

export type Mm7Request = SubmitReq | DeliverReq | DeliveryReportReq | ReadReplyReq;
export type Mm7Response = SubmitRsp | DeliverRsp | DeliveryReportRsp | ReadReplyRsp | Mm7Fault;
export type Mm7Message = Mm7Request | Mm7Response;

/** An HTTP body and the Content-Type header that goes with it. */
export interface Mm7Http {
  contentType: string;
  body: Buffer;
}
