// The WSP Push PDU a WAP push SMS carries (WAP-230-WSP §8.2.4.1, connectionless: TID first): transaction
// id, PDU type, HeadersLen, the content type, the headers, and the data, which for MMS is the
// m-notification-ind (decoded elsewhere). Parsing is total: a result or a WapPushError with the offset.
import { WspReader, isMmsError } from 'nowsms';
import { WapPushError } from './errors.ts';
import { MMS_APPLICATION_ID, MMS_CONTENT_TYPE, applicationIdOf, contentTypeOf, parameterNameOf } from './tables.ts';

export type WapPushPduType = 'push' | 'confirmed-push';

export interface WapPushHeader {
  /** The well-known field's number on its code page (X-Wap-Application-Id is 0x2F on page 1), or the name of an application header. */
  field: number | string;
  /** Header code page (1 unless a shift sequence changed it). */
  page: number;
  /** Where the header starts in the PDU. */
  offset: number;
}

export interface WapPush {
  /** Transaction id: lets a sender tell repeated pushes apart. */
  tid: number;
  pduType: WapPushPduType;
  /** The media type, lower case, without parameters. */
  contentType: string;
  /** The well-known number when the content type was sent as one (0x3E for MMS). */
  contentTypeCode?: number;
  /** Content type parameters: `charset` (a MIBenum), `type`, `start`, ... */
  contentTypeParams: Record<string, string | number>;
  /** X-Wap-Application-Id: the URI (a registered number is turned into its URI), or a number WINA had not registered. */
  applicationId?: string | number;
  /** Every header after the content type, in order; the ones not understood were skipped by their length. */
  headers: WapPushHeader[];
  /** The push's content (an MMS push: the m-notification-ind), a view of the input, not a copy. */
  body: Buffer;
}

const PDU_TYPES: Record<number, WapPushPduType> = { 0x06: 'push', 0x07: 'confirmed-push' };
/** Page 1 well-known header X-Wap-Application-Id (WSP Table 39). */
const X_WAP_APPLICATION_ID = 0x2f;
const SHIFT_DELIMITER = 0x7f;

/** Parse a WSP push PDU; throws WapPushError (and only that) when the bytes are not one. */
export function parseWapPush(data: Buffer): WapPush {
  try {
    return parse(data);
  } catch (e) {
    // The WSP reader (the MMS codec's) names the field and the offset; the push has its own error.
    if (isMmsError(e)) throw new WapPushError(e.offset ?? 0, e.message.replace(/ at offset \d+$/, ''));
    // Every read is bounds-checked, so this is a bug here; the caller still gets the one error it handles.
    throw new WapPushError(0, `internal parser error: ${(e as Error).message}`);
  }
}

function parse(data: Buffer): WapPush {
  const r = new WspReader(data);
  const tid = r.octet('the transaction id');
  const typeAt = r.offset;
  const type = r.octet('the PDU type');
  const pduType = PDU_TYPES[type];
  if (!pduType) return r.fail(`0x${hex(type)} is not a Push (0x06) or ConfirmedPush (0x07)`, 'the PDU type', typeAt);
  const headersLen = r.uintvar('HeadersLen');
  if (headersLen === 0) r.fail('a push needs at least its content type', 'HeadersLen 0');
  const h = r.sub(headersLen, 'the headers (HeadersLen)');
  const { contentType, contentTypeCode, params } = readContentType(h);
  const push: WapPush = {
    tid,
    pduType,
    contentType,
    ...(contentTypeCode !== undefined ? { contentTypeCode } : {}),
    contentTypeParams: params,
    headers: [],
    body: data.subarray(r.offset),
  };
  let page = 1;
  while (h.remaining > 0) {
    const offset = h.offset;
    const b = h.octet('a header');
    if (b === SHIFT_DELIMITER || (b >= 0x01 && b <= 0x1f)) {
      // Shift-sequence (§8.4.2.6): a page change, in effect for the headers that follow.
      page = b === SHIFT_DELIMITER ? h.octet('the header code page') : b;
      continue;
    }
    if (b & 0x80) {
      const field = b & 0x7f;
      push.headers.push({ field, page, offset });
      if (page === 1 && field === X_WAP_APPLICATION_ID) push.applicationId = readApplicationId(h);
      else h.value(`the value of header 0x${hex(field)}`);
    } else if (b === 0) {
      h.fail('a header name expected, found NUL', 'a header', offset);
    } else {
      h.offset = offset;
      const name = h.textString('an application header name');
      push.headers.push({ field: name.toLowerCase(), page, offset });
      if (name.toLowerCase() === 'x-wap-application-id') push.applicationId = h.textString('the X-Wap-Application-Id value');
      else h.value(`the value of header ${name}`);
    }
  }
  return push;
}

/** The next octet, not taken; the end of the value is an error naming what was expected. */
function next(r: WspReader, field: string): number {
  const b = r.peek();
  return b === undefined ? r.fail('expected, found the end of the data', field) : b;
}

/** Content-type-value (§8.4.2.24): Constrained-media (short integer or text), or Value-length Media-type *(Parameter). */
function readContentType(r: WspReader): { contentType: string; contentTypeCode?: number; params: Record<string, string | number> } {
  const b = next(r, 'the content type');
  if (b & 0x80) {
    r.offset++;
    return { contentType: contentTypeOf(b & 0x7f), contentTypeCode: b & 0x7f, params: {} };
  }
  if (b >= 32) return { contentType: mediaText(r), params: {} };
  const at = r.offset;
  const v = r.lengthValue('the content type');
  if (v.remaining === 0) r.fail('empty', 'the content type', at);
  const first = next(v, 'the media type');
  let contentType: string;
  let contentTypeCode: number | undefined;
  if (first >= 32 && first < 0x80) contentType = mediaText(v);
  else {
    contentTypeCode = v.integerValue('the well-known media type');
    contentType = contentTypeOf(contentTypeCode);
  }
  const params: Record<string, string | number> = {};
  while (v.remaining > 0) {
    const param = readParameter(v);
    if (param) params[param[0]] = param[1];
  }
  return { contentType, ...(contentTypeCode !== undefined ? { contentTypeCode } : {}), params };
}

function mediaText(r: WspReader): string {
  const at = r.offset;
  const t = r.textString('the content type').trim().toLowerCase();
  if (!t) r.fail('an empty text', 'the content type', at);
  return t;
}

/**
 * Parameter (§8.4.2.4): a typed one (well-known token, value by its type) or an untyped one (token text,
 * integer or text). Undefined for a length-prefixed value nobody here reads: skipped, not shown.
 */
function readParameter(r: WspReader): [string, string | number] | undefined {
  const b = next(r, 'a content type parameter');
  if (b >= 32 && b < 0x80) {
    const name = r.textString('a parameter name').toLowerCase();
    return [name, untypedValue(r)];
  }
  const code = r.integerValue('a parameter token');
  const name = parameterNameOf(code);
  // Q-value (§8.4.2.1) is a uintvar, which the general rules would misread.
  if (code === 0x00) return [name, r.uintvar('the q parameter')];
  const value = typedValue(r, name);
  return value === undefined ? undefined : [name, value];
}

/** Typed-value, read by the general rules: short integer, long integer, No-value, or text. */
function typedValue(r: WspReader, name: string): string | number | undefined {
  const field = `the ${name} parameter`;
  const b = next(r, field);
  if (b === 0) {
    r.offset++;
    return '';
  }
  if (b & 0x80 || b <= 30) return r.integerValue(field);
  if (b === 31) {
    r.lengthValue(field);
    return undefined;
  }
  return r.textString(field, true);
}

function untypedValue(r: WspReader): string | number {
  const b = next(r, 'a parameter value');
  if (b & 0x80 || (b > 0 && b <= 30)) return r.integerValue('a parameter value');
  if (b === 0) {
    r.offset++;
    return '';
  }
  // Text-value (§8.4.2.3): Token-text or Quoted-string, whose opening quote (34) has no closing one.
  return r.textString('a parameter value', true);
}

/** Application-id-value (WAP-235 §7.2.2.2 / WSP Table 39): Uri-value (text) or App-assigned-code (Integer-value). */
function readApplicationId(r: WspReader): string | number {
  const b = next(r, 'the X-Wap-Application-Id value');
  if (b >= 32 && b < 0x80) return r.textString('the X-Wap-Application-Id value');
  return applicationIdOf(r.integerValue('the X-Wap-Application-Id value'));
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}

/**
 * A push for the MMS user agent: content type application/vnd.wap.mms-message, and, when the push names
 * an application, the MMS one (x-wap-application:mms.ua, code 4). Some operators leave the id out.
 */
export function isMmsPush(push: WapPush): boolean {
  if (push.contentType !== MMS_CONTENT_TYPE) return false;
  if (push.applicationId === undefined) return true;
  return typeof push.applicationId === 'string' && push.applicationId.toLowerCase() === MMS_APPLICATION_ID;
}
