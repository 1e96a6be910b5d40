// Assigned numbers from OMA-MMS-ENC (1.0-1.3) and WAP-230-WSP (tables 38-40, 42), as data.

/** X-Mms-Message-Type values (0x80 + index). */
export const MESSAGE_TYPES = [
  'm-send-req',
  'm-send-conf',
  'm-notification-ind',
  'm-notifyresp-ind',
  'm-retrieve-conf',
  'm-acknowledge-ind',
  'm-delivery-ind',
  'm-read-rec-ind',
  'm-read-orig-ind',
  'm-forward-req',
  'm-forward-conf',
  'm-mbox-store-req',
  'm-mbox-store-conf',
  'm-mbox-view-req',
  'm-mbox-view-conf',
  'm-mbox-upload-req',
  'm-mbox-upload-conf',
  'm-mbox-delete-req',
  'm-mbox-delete-conf',
  'm-mbox-descr',
  'm-delete-req',
  'm-delete-conf',
  'm-cancel-req',
  'm-cancel-conf',
] as const;
export type MmsMessageType = (typeof MESSAGE_TYPES)[number];

/** PDU types that carry a message body (the rest may still end in a Content-Type; their body is kept raw). */
export const BODY_TYPES: ReadonlySet<string> = new Set([
  'm-send-req',
  'm-retrieve-conf',
  'm-forward-req',
  'm-mbox-store-req',
  'm-mbox-upload-req',
  'm-mbox-descr',
]);

/**
 * How a header's value is encoded. The value's extent is always found by WSP's generic rules first
 * (short length, uintvar length, text to NUL, one octet), so a value that does not fit its kind is an
 * error at a known offset and an unknown field can be kept raw.
 */
export type FieldKind =
  | 'text' // Text-string (Transaction-ID, Message-ID, Content-Location: Uri-value)
  | 'esv' // Encoded-string-value
  | 'address' // Encoded-string-value holding an address (To, Cc, Bcc), repeatable
  | 'from' // Value-length (Address-present-token ESV | Insert-address-token)
  | 'long' // Long-integer (Date, Message-Size, ...)
  | 'date' // Long-integer seconds since 1970
  | 'integer' // Integer-value
  | 'yesno' // Yes 0x80 | No 0x81
  | 'octet' // one well-known octet, kept as a number or a name from the field's table
  | 'time' // Value-length (Absolute-token Date | Relative-token Delta-seconds)
  | 'version' // Short-integer major/minor
  | 'class' // Class-identifier | Token-text
  | 'contentType'
  | 'composite' // a 1.1-1.2 field of its own shape (Previously-Sent-By/-Date, MM-Flags, Attributes, Totals, Quotas)
  | 'raw'; // Content, Additional-headers, Element-Descriptor: kept as their value octets

export interface FieldDef {
  code: number;
  /** The property of MmsPdu that holds it. */
  key: string;
  /** The spec's header name. */
  name: string;
  kind: FieldKind;
  /** Names of an 'octet' field's values, from 0x80. */
  values?: readonly string[];
}

const STATUS = ['expired', 'retrieved', 'rejected', 'deferred', 'unrecognised', 'indeterminate', 'forwarded', 'unreachable'];

export const FIELDS: readonly FieldDef[] = [
  { code: 0x01, key: 'bcc', name: 'Bcc', kind: 'address' },
  { code: 0x02, key: 'cc', name: 'Cc', kind: 'address' },
  { code: 0x03, key: 'contentLocation', name: 'X-Mms-Content-Location', kind: 'text' },
  { code: 0x04, key: 'contentType', name: 'Content-Type', kind: 'contentType' },
  { code: 0x05, key: 'date', name: 'Date', kind: 'date' },
  { code: 0x06, key: 'deliveryReport', name: 'X-Mms-Delivery-Report', kind: 'yesno' },
  { code: 0x07, key: 'deliveryTime', name: 'X-Mms-Delivery-Time', kind: 'time' },
  { code: 0x08, key: 'expiry', name: 'X-Mms-Expiry', kind: 'time' },
  { code: 0x09, key: 'from', name: 'From', kind: 'from' },
  { code: 0x0a, key: 'messageClass', name: 'X-Mms-Message-Class', kind: 'class' },
  { code: 0x0b, key: 'messageId', name: 'Message-ID', kind: 'text' },
  { code: 0x0c, key: 'messageType', name: 'X-Mms-Message-Type', kind: 'octet', values: MESSAGE_TYPES },
  { code: 0x0d, key: 'mmsVersion', name: 'X-Mms-MMS-Version', kind: 'version' },
  { code: 0x0e, key: 'messageSize', name: 'X-Mms-Message-Size', kind: 'long' },
  { code: 0x0f, key: 'priority', name: 'X-Mms-Priority', kind: 'octet', values: ['low', 'normal', 'high'] },
  { code: 0x10, key: 'readReport', name: 'X-Mms-Read-Report', kind: 'yesno' },
  { code: 0x11, key: 'reportAllowed', name: 'X-Mms-Report-Allowed', kind: 'yesno' },
  { code: 0x12, key: 'responseStatus', name: 'X-Mms-Response-Status', kind: 'octet' },
  { code: 0x13, key: 'responseText', name: 'X-Mms-Response-Text', kind: 'esv' },
  { code: 0x14, key: 'senderVisibility', name: 'X-Mms-Sender-Visibility', kind: 'octet', values: ['hide', 'show'] },
  { code: 0x15, key: 'status', name: 'X-Mms-Status', kind: 'octet', values: STATUS },
  { code: 0x16, key: 'subject', name: 'Subject', kind: 'esv' },
  { code: 0x17, key: 'to', name: 'To', kind: 'address' },
  { code: 0x18, key: 'transactionId', name: 'X-Mms-Transaction-Id', kind: 'text' },
  // MMS 1.1
  { code: 0x19, key: 'retrieveStatus', name: 'X-Mms-Retrieve-Status', kind: 'octet' },
  { code: 0x1a, key: 'retrieveText', name: 'X-Mms-Retrieve-Text', kind: 'esv' },
  { code: 0x1b, key: 'readStatus', name: 'X-Mms-Read-Status', kind: 'octet', values: ['read', 'deleted-without-being-read'] },
  {
    code: 0x1c,
    key: 'replyCharging',
    name: 'X-Mms-Reply-Charging',
    kind: 'octet',
    values: ['requested', 'requested-text-only', 'accepted', 'accepted-text-only'],
  },
  { code: 0x1d, key: 'replyChargingDeadline', name: 'X-Mms-Reply-Charging-Deadline', kind: 'time' },
  { code: 0x1e, key: 'replyChargingId', name: 'X-Mms-Reply-Charging-ID', kind: 'text' },
  { code: 0x1f, key: 'replyChargingSize', name: 'X-Mms-Reply-Charging-Size', kind: 'long' },
  { code: 0x20, key: 'previouslySentBy', name: 'X-Mms-Previously-Sent-By', kind: 'composite' },
  { code: 0x21, key: 'previouslySentDate', name: 'X-Mms-Previously-Sent-Date', kind: 'composite' },
  // MMS 1.2
  { code: 0x22, key: 'store', name: 'X-Mms-Store', kind: 'yesno' },
  { code: 0x23, key: 'mmState', name: 'X-Mms-MM-State', kind: 'octet', values: ['draft', 'sent', 'new', 'retrieved', 'forwarded'] },
  { code: 0x24, key: 'mmFlags', name: 'X-Mms-MM-Flags', kind: 'composite' },
  { code: 0x25, key: 'storeStatus', name: 'X-Mms-Store-Status', kind: 'octet' },
  { code: 0x26, key: 'storeStatusText', name: 'X-Mms-Store-Status-Text', kind: 'esv' },
  { code: 0x27, key: 'stored', name: 'X-Mms-Stored', kind: 'yesno' },
  { code: 0x28, key: 'attributes', name: 'X-Mms-Attributes', kind: 'composite' },
  { code: 0x29, key: 'totals', name: 'X-Mms-Totals', kind: 'composite' },
  { code: 0x2a, key: 'mboxTotals', name: 'X-Mms-Mbox-Totals', kind: 'composite' },
  { code: 0x2b, key: 'quotas', name: 'X-Mms-Quotas', kind: 'composite' },
  { code: 0x2c, key: 'mboxQuotas', name: 'X-Mms-Mbox-Quotas', kind: 'composite' },
  { code: 0x2d, key: 'messageCount', name: 'X-Mms-Message-Count', kind: 'integer' },
  { code: 0x2e, key: 'content', name: 'Content', kind: 'raw' },
  { code: 0x2f, key: 'start', name: 'X-Mms-Start', kind: 'integer' },
  { code: 0x30, key: 'additionalHeaders', name: 'Additional-headers', kind: 'raw' },
  { code: 0x31, key: 'distributionIndicator', name: 'X-Mms-Distribution-Indicator', kind: 'yesno' },
  { code: 0x32, key: 'elementDescriptor', name: 'X-Mms-Element-Descriptor', kind: 'raw' },
  { code: 0x33, key: 'limit', name: 'X-Mms-Limit', kind: 'integer' },
  // MMS 1.3
  { code: 0x34, key: 'recommendedRetrievalMode', name: 'X-Mms-Recommended-Retrieval-Mode', kind: 'octet', values: ['manual'] },
  { code: 0x35, key: 'recommendedRetrievalModeText', name: 'X-Mms-Recommended-Retrieval-Mode-Text', kind: 'esv' },
  { code: 0x36, key: 'statusText', name: 'X-Mms-Status-Text', kind: 'esv' },
  { code: 0x37, key: 'applicId', name: 'X-Mms-Applic-ID', kind: 'text' },
  { code: 0x38, key: 'replyApplicId', name: 'X-Mms-Reply-Applic-ID', kind: 'text' },
  { code: 0x39, key: 'auxApplicInfo', name: 'X-Mms-Aux-Applic-Info', kind: 'text' },
  {
    code: 0x3a,
    key: 'contentClass',
    name: 'X-Mms-Content-Class',
    kind: 'octet',
    values: ['text', 'image-basic', 'image-rich', 'video-basic', 'video-rich', 'megapixel', 'content-basic', 'content-rich'],
  },
  { code: 0x3b, key: 'drmContent', name: 'X-Mms-DRM-Content', kind: 'yesno' },
  { code: 0x3c, key: 'adaptationAllowed', name: 'X-Mms-Adaptation-Allowed', kind: 'yesno' },
  { code: 0x3d, key: 'replaceId', name: 'X-Mms-Replace-ID', kind: 'text' },
  { code: 0x3e, key: 'cancelId', name: 'X-Mms-Cancel-ID', kind: 'text' },
  { code: 0x3f, key: 'cancelStatus', name: 'X-Mms-Cancel-Status', kind: 'octet', values: ['cancel-request-successfully-received', 'cancel-request-corrupted'] },
];

export const FIELD_BY_CODE: ReadonlyMap<number, FieldDef> = new Map(FIELDS.map((f) => [f.code, f]));
export const FIELD_BY_KEY: ReadonlyMap<string, FieldDef> = new Map(FIELDS.map((f) => [f.key, f]));

export const MESSAGE_CLASSES = ['personal', 'advertisement', 'informational', 'auto'] as const;

/** WSP table 40: well-known content types, by their code. */
export const CONTENT_TYPES: readonly string[] = [
  '*/*',
  'text/*',
  'text/html',
  'text/plain',
  'text/x-hdml',
  'text/x-ttml',
  'text/x-vCalendar',
  'text/x-vCard',
  'text/vnd.wap.wml',
  'text/vnd.wap.wmlscript',
  'text/vnd.wap.wta-event',
  'multipart/*',
  'multipart/mixed',
  'multipart/form-data',
  'multipart/byterantes',
  'multipart/alternative',
  'application/*',
  'application/java-vm',
  'application/x-www-form-urlencoded',
  'application/x-hdmlc',
  'application/vnd.wap.wmlc',
  'application/vnd.wap.wmlscriptc',
  'application/vnd.wap.wta-eventc',
  'application/vnd.wap.uaprof',
  'application/vnd.wap.wtls-ca-certificate',
  'application/vnd.wap.wtls-user-certificate',
  'application/x-x509-ca-cert',
  'application/x-x509-user-cert',
  'image/*',
  'image/gif',
  'image/jpeg',
  'image/tiff',
  'image/png',
  'image/vnd.wap.wbmp',
  'application/vnd.wap.multipart.*',
  'application/vnd.wap.multipart.mixed',
  'application/vnd.wap.multipart.form-data',
  'application/vnd.wap.multipart.byteranges',
  'application/vnd.wap.multipart.alternative',
  'application/xml',
  'text/xml',
  'application/vnd.wap.wbxml',
  'application/x-x968-cross-cert',
  'application/x-x968-ca-cert',
  'application/x-x968-user-cert',
  'text/vnd.wap.si',
  'application/vnd.wap.sic',
  'text/vnd.wap.sl',
  'application/vnd.wap.slc',
  'text/vnd.wap.co',
  'application/vnd.wap.coc',
  'application/vnd.wap.multipart.related',
  'application/vnd.wap.sia',
  'text/vnd.wap.connectivity-xml',
  'application/vnd.wap.connectivity-wbxml',
  'application/pkcs7-mime',
  'application/vnd.wap.hashed-certificate',
  'application/vnd.wap.signed-certificate',
  'application/vnd.wap.cert-response',
  'application/xhtml+xml',
  'application/wml+xml',
  'text/css',
  'application/vnd.wap.mms-message',
  'application/vnd.wap.rollover-certificate',
  'application/vnd.wap.locc+wbxml',
  'application/vnd.wap.loc+xml',
  'application/vnd.syncml.dm+wbxml',
  'application/vnd.syncml.dm+xml',
  'application/vnd.syncml.notification',
  'application/vnd.wap.xhtml+xml',
  'application/vnd.wv.csp.cir',
  'application/vnd.oma.dd+xml',
  'application/vnd.oma.drm.message',
  'application/vnd.oma.drm.content',
  'application/vnd.oma.drm.rights+xml',
  'application/vnd.oma.drm.rights+wbxml',
  'application/vnd.wv.csp+xml',
  'application/vnd.wv.csp+wbxml',
  'application/vnd.syncml.ds.notification',
  'audio/*',
  'video/*',
  'application/vnd.oma.dd2+xml',
  'application/mikey',
];
/** A well-known content type by its assigned number (WSP Table 40, OMNA additions); undefined past the table. */
export function wspContentType(code: number): string | undefined {
  return CONTENT_TYPES[code];
}

export const CONTENT_TYPE_CODE: ReadonlyMap<string, number> = new Map(CONTENT_TYPES.map((t, i) => [t.toLowerCase(), i]));

/** WSP table 38: well-known parameters we name; the rest are kept under `param-0xNN`. */
export const PARAMS: ReadonlyMap<number, string> = new Map([
  [0x00, 'q'],
  [0x01, 'charset'],
  [0x02, 'level'],
  [0x03, 'type'],
  [0x05, 'name'],
  [0x06, 'filename'],
  [0x08, 'padding'],
  [0x09, 'type'],
  [0x0a, 'start'],
  [0x0b, 'start-info'],
  [0x0c, 'comment'],
  [0x0d, 'domain'],
  [0x0e, 'max-age'],
  [0x0f, 'path'],
  [0x10, 'secure'],
  [0x16, 'size'],
  [0x17, 'name'],
  [0x18, 'filename'],
  [0x19, 'start'],
  [0x1a, 'start-info'],
  [0x1b, 'comment'],
  [0x1c, 'domain'],
  [0x1d, 'path'],
]);

/** The codes the encoder writes (WSP 1.3 forms every MMS client reads). */
export const PARAM_CODE: ReadonlyMap<string, number> = new Map([
  ['charset', 0x01],
  ['name', 0x05],
  ['filename', 0x06],
  ['type', 0x09],
  ['start', 0x0a],
  ['start-info', 0x0b],
]);

/** IANA MIBenum -> the charset label TextDecoder knows (names as IANA registers them). */
export const CHARSETS: ReadonlyMap<number, string> = new Map([
  [3, 'us-ascii'],
  [4, 'iso-8859-1'],
  [5, 'iso-8859-2'],
  [6, 'iso-8859-3'],
  [7, 'iso-8859-4'],
  [8, 'iso-8859-5'],
  [9, 'iso-8859-6'],
  [10, 'iso-8859-7'],
  [11, 'iso-8859-8'],
  [12, 'iso-8859-9'],
  [13, 'iso-8859-10'],
  [17, 'shift_jis'],
  [18, 'euc-jp'],
  [38, 'euc-kr'],
  [39, 'iso-2022-jp'],
  [106, 'utf-8'],
  [109, 'iso-8859-13'],
  [110, 'iso-8859-14'],
  [111, 'iso-8859-15'],
  [112, 'iso-8859-16'],
  [113, 'gbk'],
  [114, 'gb18030'],
  [1000, 'iso-10646-ucs-2'],
  [1013, 'utf-16be'],
  [1014, 'utf-16le'],
  [1015, 'utf-16'],
  [2025, 'gb2312'],
  [2026, 'big5'],
  [2084, 'koi8-r'],
  [2251, 'windows-1251'],
  [2252, 'windows-1252'],
]);
export const CHARSET_CODE: ReadonlyMap<string, number> = new Map([...CHARSETS].map(([k, v]) => [v, k]));

/** WSP table 39: the part headers an MMS part uses, by their code. */
export const PART_HEADERS: ReadonlyMap<number, string> = new Map([
  [0x0e, 'Content-Location'],
  [0x40, 'Content-ID'],
  [0x2e, 'Content-Disposition'],
  [0x45, 'Content-Disposition'],
  [0x0b, 'Content-Encoding'],
  [0x0c, 'Content-Language'],
  [0x0d, 'Content-Length'],
  [0x12, 'Date'],
]);
