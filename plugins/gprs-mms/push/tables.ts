// The WINA registries a push header refers to by number (WAP-230-WSP Appendix A, kept up to date by WINA /
// OMNA): well-known content types, push application ids, and the typed parameters of a content type.

/** Well-known media (WSP Table 40 and its OMNA additions), by assigned number. */
const CONTENT_TYPES: readonly string[] = [
  '*/*',
  'text/*',
  'text/html',
  'text/plain',
  'text/x-hdml',
  'text/x-ttml',
  'text/x-vcalendar',
  'text/x-vcard',
  'text/vnd.wap.wml',
  'text/vnd.wap.wmlscript',
  'text/vnd.wap.wta-event',
  'multipart/*',
  'multipart/mixed',
  'multipart/form-data',
  'multipart/byteranges',
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
];

/** The MMS notification's content type, well-known 0x3E. */
export const MMS_CONTENT_TYPE = 'application/vnd.wap.mms-message';
export const MMS_CONTENT_TYPE_CODE = 0x3e;

/** A number WINA assigned after this table was written: kept recognisable, never guessed. */
export function contentTypeOf(code: number): string {
  return CONTENT_TYPES[code] ?? `application/x-wap-content-type-0x${code.toString(16).padStart(2, '0')}`;
}

/** Push application ids (OMNA registry); 4 is the MMS user agent. */
const APPLICATION_IDS: readonly string[] = [
  'x-wap-application:*',
  'x-wap-application:push.sia',
  'x-wap-application:wml.ua',
  'x-wap-application:wta.ua',
  'x-wap-application:mms.ua',
  'x-wap-application:push.syncml',
  'x-wap-application:loc.ua',
  'x-wap-application:syncml.dm',
  'x-wap-application:drm.ua',
  'x-wap-application:emn.ua',
  'x-wap-application:wv.ua',
];

export const MMS_APPLICATION_ID = 'x-wap-application:mms.ua';

export function applicationIdOf(code: number): string | number {
  return APPLICATION_IDS[code] ?? code;
}

/** Typed parameter names (WSP Table 38, encoding versions 1.1-1.4). */
const PARAMETERS: readonly string[] = [
  'q',
  'charset',
  'level',
  'type',
  '',
  'name',
  'filename',
  'differences',
  'padding',
  'type',
  'start',
  'start-info',
  'comment',
  'domain',
  'max-age',
  'path',
  'secure',
  'sec',
  'mac',
  'creation-date',
  'modification-date',
  'read-date',
  'size',
  'name',
  'filename',
  'start',
  'start-info',
  'comment',
  'domain',
  'path',
];

export function parameterNameOf(code: number): string {
  return PARAMETERS[code] || `0x${code.toString(16).padStart(2, '0')}`;
}
