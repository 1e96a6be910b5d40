// Kannel's smsbox send interface, /cgi-bin/sendsms, in both its forms: GET (or a form POST) with username,
// password, from, to (space-separated), text, charset, coding, udh, mclass, pid, validity, deferred, smsc,
// dlr-mask, dlr-url; and Kannel's POST, whose body is the message (text/plain in its charset, or
// application/octet-stream) and whose other fields are X-Kannel-* headers. Fields are read as Kannel reads
// them (checked against Kannel 1.4's smsbox): text in `charset`, UTF-8 by default and UTF-16BE with coding=2;
// udh and 8-bit text as raw octets. Answers as Kannel does ("0: Accepted for delivery", 202), so a Kannel
// user's scripts keep working against the same path.
import type { PluginApi, SmsTransport, StoredUser } from 'nowsms';
import { HttpError } from './errors.ts';
import { charsetOf, decoderFor, Params, urlEncodedOctets } from './params.ts';
import type { RawRequest } from './server.ts';
import { hexOf, recipients, submitRequest, type OnSubmitted, type SendRequest } from './submission.ts';

/** Kannel's DLR mask bits: 1 delivered, 2 undeliverable, 4 buffered (queued), 8 SMSC accepted (sent), 16 SMSC rejected (failed). */
export const KANNEL_DLR = { delivered: 1, undeliverable: 2, queued: 4, retrying: 4, sent: 8, failed: 16 } as const;

const KANNEL_HEADER = 'x-kannel-';

/**
 * The request's fields, decoded as Kannel decodes them. `udh`, and `text` when it is 8-bit (udh given, or
 * coding=1), stay octets (one latin1 character per octet); every other field but `text` is UTF-8.
 */
export function kannelParams(r: RawRequest): Params {
  const raw = urlEncodedOctets(r.query);
  let textCharset: string | undefined;
  const kannelPost = r.method === 'POST' && (r.type.startsWith('text/plain') || r.type.startsWith('application/octet-stream'));
  if (kannelPost) {
    // Its fields come with it even when the message is empty.
    raw.merge(postFields(r));
    textCharset = charsetOf(r.type);
  } else if (r.method === 'POST' && r.body.length > 0) {
    if (r.type.startsWith('application/x-www-form-urlencoded')) {
      raw.merge(urlEncodedOctets(r.body.toString('latin1')));
      textCharset = charsetOf(r.type);
    } else
      throw new HttpError(
        415,
        'NOWSMS_ERR_BAD_REQUEST',
        `a body of type ${r.type || '(none)'} is not read here: send the message as text/plain or application/octet-stream with X-Kannel-* headers (Kannel's POST), or a form`,
      );
  }
  const coding = raw.get('coding');
  const binary = raw.has('udh') || coding === '1';
  const utf8 = decoderFor('utf-8');
  const out = new Params();
  for (const [name, value] of raw.entries()) {
    const octets = Buffer.from(value, 'latin1');
    if (name === 'udh' || (name === 'text' && binary)) out.add(name, value);
    else if (name === 'text') out.add(name, decoderFor(raw.get('charset') ?? textCharset ?? (coding === '2' ? 'utf-16be' : 'utf-8'))(octets, 'parameter text'));
    else out.add(utf8(Buffer.from(name, 'latin1'), 'a parameter name'), utf8(octets, `parameter ${name}`));
  }
  return out;
}

/** Kannel's POST: the body is the text (or the octets), X-Kannel-To and the rest are headers, X-Kannel-UDH in hex. */
function postFields(r: RawRequest): Params {
  const fields = new Params();
  for (const [name, value] of Object.entries(r.headers)) {
    if (!name.startsWith(KANNEL_HEADER) || value === undefined) continue;
    const field = name.slice(KANNEL_HEADER.length);
    const v = Array.isArray(value) ? value[0]! : value;
    // Node gives header values one character per octet, as the query's octets are given.
    fields.add(field, field === 'udh' ? hexOf(v, 'X-Kannel-UDH').toString('latin1') : v);
  }
  fields.add('text', r.body.toString('latin1'));
  if (r.type.startsWith('application/octet-stream') && !fields.has('coding')) fields.add('coding', '1');
  return fields;
}

/** A whole number field within bounds, or a 400 naming it. */
function whole(params: Params, name: string, min: number, max: number, meaning: string): number | undefined {
  const v = params.get(name);
  if (v === undefined || v === '') return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max)
    throw new HttpError(400, 'NOWSMS_ERR_BAD_REQUEST', `${name} must be ${min} to ${max} (${meaning})`);
  return Number(v);
}

export function kannelRequestOf(api: PluginApi, params: Params, maxRecipients: number, now = new Date()): SendRequest {
  const toParam = params.get('to');
  if (toParam === undefined || toParam.trim() === '') throw new HttpError(400, 'NOWSMS_ERR_ADDRESS', 'Missing receiver number (to=)');
  const to = recipients(api, toParam.split(/[\s,]+/), maxRecipients);
  const text = params.get('text');
  const udh = params.get('udh');
  const mask = params.get('dlr-mask');
  const url = params.get('dlr-url');
  if (mask !== undefined && !/^\d{1,2}$/.test(mask))
    throw new HttpError(400, 'NOWSMS_ERR_BAD_REQUEST', 'dlr-mask must be a number (1 delivered + 2 failed + 4 buffered + 8 SMSC ok + 16 SMSC failed)');
  if (url !== undefined && !/^https?:\/\//i.test(url)) throw new HttpError(400, 'NOWSMS_ERR_BAD_REQUEST', 'dlr-url must be an http:// or https:// URL');
  const coding = whole(params, 'coding', 0, 2, '0 7-bit, 1 8-bit, 2 UCS-2');
  const messageClass = whole(params, 'mclass', 0, 3, 'the message class: 0 flash, 1 phone, 2 SIM, 3 terminal') as SmsTransport['messageClass'];
  const protocolId = whole(params, 'pid', 0, 255, 'the protocol identifier');
  // Kannel's validity and deferred are minutes from now; a relative validity reaches 63 weeks at most.
  const validityMinutes = whole(params, 'validity', 1, 635_040, 'minutes the SMSC may keep trying');
  const deferred = whole(params, 'deferred', 0, 525_600, 'minutes to wait before sending');
  const sms: SendRequest['sms'] = {
    ...(messageClass !== undefined ? { messageClass } : {}),
    ...(protocolId !== undefined ? { protocolId } : {}),
    ...(validityMinutes !== undefined ? { validityMinutes } : {}),
  };
  const base = {
    to,
    api: 'kannel' as const,
    ...(params.get('from') ? { from: params.get('from')! } : {}),
    ...(params.get('smsc') ? { connection: params.get('smsc')! } : {}),
    ...(url !== undefined && mask !== undefined && Number(mask) > 0 ? { callback: { url, kannelMask: Number(mask) }, receipt: (Number(mask) & 3) !== 0 } : {}),
    ...(deferred ? { delayUntil: new Date(now.getTime() + deferred * 60_000) } : {}),
    ...(Object.keys(sms).length > 0 ? { sms } : {}),
  };
  if (udh !== undefined || coding === 1) {
    // Kannel takes udh and 8-bit text as raw bytes, URL-encoded: the parameter's latin1 code units are the octets.
    const data = Buffer.from(text ?? '', 'latin1');
    return { ...base, kind: 'sms', binary: { data, ...(udh ? { udh: Buffer.from(udh, 'latin1') } : {}) } };
  }
  if (text === undefined || text === '') throw new HttpError(400, 'NOWSMS_ERR_BAD_REQUEST', 'Missing text (text=)');
  return { ...base, kind: 'sms', text };
}

export async function kannelSend(api: PluginApi, user: StoredUser, params: Params, maxRecipients: number, onSubmitted?: OnSubmitted): Promise<string> {
  // Kannel's answer word for word, for one recipient or many: scripts compare it.
  await submitRequest(api, user, kannelRequestOf(api, params, maxRecipients), onSubmitted);
  return '0: Accepted for delivery';
}

/**
 * Kannel's dlr-url escapes, with the values Kannel 1.4 gives them in a delivery report (checked against its
 * smsbox): %d the report type, %p the receiver, %P the sender (%q and %Q the same, numbers being
 * international already), %A the detail (the SMSC's reply; %a and %b too), %i the connection (Kannel's
 * smsc-id), %n the user, %t the time (YYYY-MM-DD HH:MM:SS, server time), %T the time in epoch seconds, %I
 * the message id, %R the dlr-url itself, %% a percent. Others are left as they are, as Kannel leaves those
 * it does not know.
 */
export function kannelDlrUrl(
  template: string,
  v: { type: number; to: string; from: string; detail: string; at: Date; id: string; connection?: string | undefined; user?: string | undefined },
): string {
  const map: Record<string, string> = {
    d: String(v.type),
    p: v.to,
    q: v.to,
    P: v.from,
    Q: v.from,
    A: v.detail,
    a: v.detail,
    b: v.detail,
    i: v.connection ?? '',
    n: v.user ?? '',
    t: localTime(v.at),
    T: String(Math.floor(v.at.getTime() / 1000)),
    I: v.id,
    R: template,
  };
  return template.replace(/%([dpqPQAabintTIR%])/g, (_m, k: string) => (k === '%' ? '%' : encodeURIComponent(map[k]!)));
}

const two = (n: number) => String(n).padStart(2, '0');

/** YYYY-MM-DD HH:MM:SS in the server's time zone, as Kannel's %t. */
function localTime(d: Date): string {
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
