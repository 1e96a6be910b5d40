// The WSP Push PDU a WAP push SMS carries (WAP-230-WSP §8.2.4.1, connectionless: TID first): transaction
// id, PDU type, HeadersLen, the content type, the headers, and the data, which for MMS is the
// m-notification-ind (decoded elsewhere). Parsing is total: a result or a WapPushError with the offset.
import { WapPushError } from './errors.ts';
import { MMS_APPLICATION_ID, MMS_CONTENT_TYPE, applicationIdOf, contentTypeOf, parameterNameOf } from './tables.ts';
import { WspReader, hex } from './wsp.ts';

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
    if (e instanceof WapPushError) throw e;
    // Every read is bounds-checked, so this is a bug here; the caller still gets the one error it handles.
    throw new WapPushError(0, `internal parser error: ${(e as Error).message}`);
  }
}

function parse(data: Buffer): WapPush {
  const r = new WspReader(data, 0, data.length);
  const tid = r.octet('the transaction id');
  const typeAt = r.pos;
  const type = r.octet('the PDU type');
  const pduType = PDU_TYPES[type];
  if (!pduType) return r.fail(`PDU type 0x${hex(type)} is not a Push (0x06) or ConfirmedPush (0x07)`, typeAt);
  const headersLen = r.uintvar('HeadersLen');
  if (headersLen === 0) r.fail('HeadersLen is 0: a push needs at least its content type');
  const h = r.take(headersLen, 'the headers (HeadersLen)');
  const { contentType, contentTypeCode, params } = readContentType(h);
  const push: WapPush = {
    tid,
    pduType,
    contentType,
    ...(contentTypeCode !== undefined ? { contentTypeCode } : {}),
    contentTypeParams: params,
    headers: [],
    body: data.subarray(r.pos),
  };
  let page = 1;
  while (h.left > 0) {
    const offset = h.pos;
    const b = h.peek('a header');
    if (b === SHIFT_DELIMITER || (b >= 0x01 && b <= 0x1f)) {
      // Shift-sequence (§8.4.2.6): a page change, in effect for the headers that follow.
      h.pos++;
      page = b === SHIFT_DELIMITER ? h.octet('the header code page') : b;
      continue;
    }
    if (b & 0x80) {
      h.pos++;
      const field = b & 0x7f;
      push.headers.push({ field, page, offset });
      if (page === 1 && field === X_WAP_APPLICATION_ID) push.applicationId = readApplicationId(h);
      else h.skipValue(`the value of header 0x${hex(field)}`);
    } else if (b === 0) {
      h.fail('a header name expected, found NUL');
    } else {
      const name = h.text('an application header name');
      push.headers.push({ field: name.toLowerCase(), page, offset });
      if (name.toLowerCase() === 'x-wap-application-id') push.applicationId = h.text('the X-Wap-Application-Id value');
      else h.skipValue(`the value of header ${name}`);
    }
  }
  return push;
}

/** Content-type-value (§8.4.2.24): Constrained-media (short integer or text), or Value-length Media-type *(Parameter). */
function readContentType(r: WspReader): { contentType: string; contentTypeCode?: number; params: Record<string, string | number> } {
  const b = r.peek('the content type');
  if (b & 0x80) {
    r.pos++;
    return { contentType: contentTypeOf(b & 0x7f), contentTypeCode: b & 0x7f, params: {} };
  }
  if (b >= 32) return { contentType: mediaText(r), params: {} };
  const at = r.pos;
  const length = r.valueLength('the content type length');
  if (length === 0) r.fail('the content type is empty', at);
  const v = r.take(length, 'the content type');
  const first = v.peek('the media type');
  let contentType: string;
  let contentTypeCode: number | undefined;
  if (first >= 32 && first < 0x80) contentType = mediaText(v);
  else {
    contentTypeCode = v.integer('the well-known media type');
    contentType = contentTypeOf(contentTypeCode);
  }
  const params: Record<string, string | number> = {};
  while (v.left > 0) {
    const param = readParameter(v);
    if (param) params[param[0]] = param[1];
  }
  return { contentType, ...(contentTypeCode !== undefined ? { contentTypeCode } : {}), params };
}

function mediaText(r: WspReader): string {
  const at = r.pos;
  const t = r.text('the content type').trim().toLowerCase();
  if (!t) r.fail('the content type is an empty text', at);
  return t;
}

/**
 * Parameter (§8.4.2.4): a typed one (well-known token, value by its type) or an untyped one (token text,
 * integer or text). Undefined for a length-prefixed value nobody here reads: skipped, not shown.
 */
function readParameter(r: WspReader): [string, string | number] | undefined {
  const b = r.peek('a content type parameter');
  if (b >= 32 && b < 0x80) {
    const name = r.text('a parameter name').toLowerCase();
    return [name, untypedValue(r)];
  }
  const code = r.integer('a parameter token');
  const name = parameterNameOf(code);
  // Q-value (§8.4.2.1) is a uintvar, which the general rules would misread.
  if (code === 0x00) return [name, r.uintvar('the q parameter')];
  const value = typedValue(r, name);
  return value === undefined ? undefined : [name, value];
}

/** Typed-value, read by the general rules: short integer, long integer, No-value, or text. */
function typedValue(r: WspReader, name: string): string | number | undefined {
  const b = r.peek(`the ${name} parameter`);
  if (b === 0) {
    r.pos++;
    return '';
  }
  if (b & 0x80 || b <= 30) return r.integer(`the ${name} parameter`);
  if (b === 31) {
    r.take(r.valueLength(`the ${name} parameter`), `the ${name} parameter`);
    return undefined;
  }
  return textValue(r, `the ${name} parameter`);
}

function untypedValue(r: WspReader): string | number {
  const b = r.peek('a parameter value');
  if (b & 0x80 || (b > 0 && b <= 30)) return r.integer('a parameter value');
  if (b === 0) {
    r.pos++;
    return '';
  }
  return textValue(r, 'a parameter value');
}

/** Text-value (§8.4.2.3): Token-text or Quoted-string, whose opening quote (34) has no closing one. */
function textValue(r: WspReader, what: string): string {
  const t = r.text(what);
  return t.startsWith('"') ? t.slice(1) : t;
}

/** Application-id-value (WAP-235 §7.2.2.2 / WSP Table 39): Uri-value (text) or App-assigned-code (Integer-value). */
function readApplicationId(r: WspReader): string | number {
  const b = r.peek('the X-Wap-Application-Id value');
  if (b >= 32 && b < 0x80) return r.text('the X-Wap-Application-Id value');
  return applicationIdOf(r.integer('the X-Wap-Application-Id value'));
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
