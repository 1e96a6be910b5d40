// The WINA registries a push header refers to by number (WAP-230-WSP Appendix A, kept up to date by WINA /
// OMNA): well-known content types (core's, shared with the MMS codec), push application ids, and the typed
// parameters of a content type.
import { wspContentType } from 'nowsms';

/** The MMS notification's content type, well-known 0x3E. */
export const MMS_CONTENT_TYPE = 'application/vnd.wap.mms-message';
export const MMS_CONTENT_TYPE_CODE = 0x3e;

/**
 * Well-known media by assigned number (WSP Table 40 and its OMNA additions: the MMS codec's table), lower-cased
 * as push content types are compared. A number assigned after the table was written is kept recognisable, never guessed.
 */
export function contentTypeOf(code: number): string {
  return wspContentType(code)?.toLowerCase() ?? `application/x-wap-content-type-0x${code.toString(16).padStart(2, '0')}`;
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
