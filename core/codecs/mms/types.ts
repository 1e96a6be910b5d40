// The decoded shape of an MMS PDU: headers under the names OMA-MMS-ENC gives them (camel-cased), parts in
// core's Part form so an m-retrieve-conf's parts become a Message's parts as they are.
import type { Part } from '../../types.ts';
import type { MmsMessageType } from './tables.ts';

export type { MmsMessageType } from './tables.ts';

export interface MmsAddress {
  /** For the model: a phone number without `/TYPE=PLMN`, an IPv4 address, an e-mail address. */
  address: string;
  type: 'PLMN' | 'IPv4' | 'IPv6' | 'email' | 'other';
  /** As the PDU had it (`+4712345678/TYPE=PLMN`). */
  raw: string;
}

/** X-Mms-Expiry, X-Mms-Delivery-Time, X-Mms-Reply-Charging-Deadline: a date, or seconds after the MMSC got it. */
export type MmsTime = { absolute: Date } | { relativeSeconds: number };

export interface MmsContentType {
  /** Lower-cased media type (`application/vnd.wap.multipart.related`). */
  mediaType: string;
  /** Parameters by lower-case name: charset (as a name, `utf-8`), name, filename, type, start, ... */
  params: Record<string, string>;
}

export interface MmsPart extends Part {
  /** `contentType` is the media type plus `; charset=...` when the part names one; this is the charset alone. */
  charset?: string;
  contentLocation?: string;
  /** Content-Disposition's disposition (`attachment`, `inline`, ...). */
  disposition?: string;
  /** Every content-type parameter as the PDU had it. */
  params?: Record<string, string>;
  /** Part headers this codec does not interpret, kept for re-encoding. */
  otherHeaders?: RawHeader[];
}

/** X-Mms-Totals, -Quotas and their Mbox- forms: a message count, a size in octets, or both. */
export interface MmsCounts {
  messages?: number;
  bytes?: number;
}

/** A header kept as it was: its field code (or text name) and its value's octets, length prefix included. */
export interface RawHeader {
  field: number | string;
  value: Buffer;
}

/** A field value by its name, or the octet itself when the table has no name for it. */
export type OctetValue<T extends string> = T | number;

export interface MmsPdu {
  messageType: MmsMessageType;
  transactionId?: string;
  /** `1.0` ... `1.3`. */
  mmsVersion?: string;
  from?: MmsAddress;
  /** From was the Insert-address-token: the MMSC fills in the sender. */
  fromInsertAddress?: boolean;
  to?: MmsAddress[];
  cc?: MmsAddress[];
  bcc?: MmsAddress[];
  subject?: string;
  date?: Date;
  messageId?: string;
  contentLocation?: string;
  contentType?: MmsContentType;
  expiry?: MmsTime;
  deliveryTime?: MmsTime;
  messageSize?: number;
  messageClass?: 'personal' | 'advertisement' | 'informational' | 'auto' | (string & {});
  priority?: OctetValue<'low' | 'normal' | 'high'>;
  deliveryReport?: boolean;
  readReport?: boolean;
  reportAllowed?: boolean;
  senderVisibility?: OctetValue<'hide' | 'show'>;
  /** X-Mms-Status: `retrieved`, `deferred`, ... (a number when the spec names no such value). */
  status?: OctetValue<'expired' | 'retrieved' | 'rejected' | 'deferred' | 'unrecognised' | 'indeterminate' | 'forwarded' | 'unreachable'>;
  /** X-Mms-Response-Status as its octet (0x80 Ok; see `responseStatusClass`). */
  responseStatus?: number;
  responseText?: string;
  retrieveStatus?: number;
  retrieveText?: string;
  readStatus?: OctetValue<'read' | 'deleted-without-being-read'>;
  replyCharging?: OctetValue<string>;
  replyChargingDeadline?: MmsTime;
  replyChargingId?: string;
  replyChargingSize?: number;
  store?: boolean;
  mmState?: OctetValue<string>;
  storeStatus?: number;
  storeStatusText?: string;
  stored?: boolean;
  messageCount?: number;
  start?: number;
  distributionIndicator?: boolean;
  limit?: number;
  recommendedRetrievalMode?: OctetValue<'manual'>;
  recommendedRetrievalModeText?: string;
  statusText?: string;
  applicId?: string;
  replyApplicId?: string;
  auxApplicInfo?: string;
  contentClass?: OctetValue<string>;
  drmContent?: boolean;
  adaptationAllowed?: boolean;
  replaceId?: string;
  cancelId?: string;
  cancelStatus?: OctetValue<string>;
  /** X-Mms-Previously-Sent-By: who forwarded it, by forward count. */
  previouslySentBy?: { count: number; address: MmsAddress }[];
  previouslySentDate?: { count: number; date: Date }[];
  /** X-Mms-MM-Flags (1.2 mailbox): a keyword to add, remove or filter by. */
  mmFlags?: { action: 'add' | 'remove' | 'filter'; flag: string }[];
  /** X-Mms-Attributes: the header fields asked for, by their MmsPdu key (a number for an unassigned code). */
  attributes?: (string | number)[];
  totals?: MmsCounts;
  mboxTotals?: MmsCounts;
  quotas?: MmsCounts;
  mboxQuotas?: MmsCounts;
  /** Content, Additional-headers, Element-Descriptor (1.2 mailbox views): value octets as sent. */
  content?: Buffer[];
  additionalHeaders?: Buffer[];
  elementDescriptor?: Buffer[];
  /** Header fields no MMS version assigns (or application headers by text name), kept in order. */
  unknownHeaders?: RawHeader[];
  /** The body's parts (m-send-req, m-retrieve-conf, ...): slices of the PDU, not copies. */
  parts?: MmsPart[];
  /** A body after Content-Type in a PDU type that carries none (kept, not interpreted). */
  body?: Buffer;
}

/** Response-Status classes (OMA-MMS-ENC 7.2.27): what a sender does next. */
export function responseStatusClass(code: number): 'ok' | 'transient' | 'permanent' {
  if (code === 0x80) return 'ok';
  // MMS 1.0's codes (0x81-0x88) are permanent except Error-network-problem (0x86), as MMS 1.2 maps them.
  if (code === 0x86) return 'transient';
  if (code >= 0xc0 && code <= 0xdf) return 'transient';
  return 'permanent';
}
