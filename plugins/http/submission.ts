// What every way in (the NowSMS URL, Kannel's sendsms, the JSON API) asks for, as one shape, and its turn
// into MT messages: one per recipient, from the user, committed all or nothing before anything is answered.
import {
  SMS_BINARY_CONTENT_TYPE,
  senderFor,
  transportOfUdh,
  withSmil,
  type Accepted,
  type NewMessage,
  type Part,
  type PluginApi,
  type SmsTransport,
  type StoredUser,
} from 'nowsms';
import { HttpError, httpErrorOf } from './errors.ts';

export interface BinarySms {
  data: Buffer;
  /** The whole user data header, UDHL first (as NowSMS's UDH parameter). */
  udh?: Buffer;
  protocolId?: number;
  dcs?: number;
}

export interface SendRequest {
  to: string[];
  kind: 'sms' | 'mms';
  text?: string;
  binary?: BinarySms;
  subject?: string;
  /** MMS parts besides the text. */
  parts?: Part[];
  from?: string;
  /** A connection id: send through this one (NowSMS's SMSCRoute). */
  connection?: string;
  receipt?: boolean;
  /** Kept in meta.http: where status callbacks go. */
  callback?: { url: string; kannelMask?: number };
  /** The client's key for this request (Idempotency-Key): the same key again stores nothing new. */
  idempotencyKey?: string;
  api: 'nowsms' | 'kannel' | 'rest';
  /** Send no earlier than this (NowSMS's DelayUntil). */
  delayUntil?: Date;
  /** What the SMS carries besides its content (Kannel's mclass, pid, validity). */
  sms?: Pick<SmsTransport, 'messageClass' | 'protocolId' | 'validityMinutes'>;
}

export interface Submitted {
  to: string;
  id: string;
  duplicate: boolean;
  accepted: Accepted;
}

const PHONE = /^\+?\d{3,20}$/;

/** The recipients, normalised, each checked: one bad number refuses the whole request (nothing stored). */
export function recipients(api: PluginApi, raw: string[], max: number): string[] {
  const list = raw
    .flatMap((r) => r.split(','))
    .map((r) => r.trim())
    .filter((r) => r !== '');
  if (list.length === 0) throw new HttpError(400, 'NOWSMS_ERR_ADDRESS', 'no recipient: give the phone number(s) to send to');
  if (list.length > max) throw new HttpError(400, 'NOWSMS_ERR_ADDRESS', `${list.length} recipients in one request; at most ${max} (maxRecipients)`);
  const seen = new Set<string>();
  const out: string[] = [];
  for (const r of list) {
    const cleaned = r.replace(/[\s().-]/g, '');
    const n = PHONE.test(cleaned) ? api.normalizeAddress(cleaned) : undefined;
    if (n === undefined || !PHONE.test(n)) throw new HttpError(400, 'NOWSMS_ERR_ADDRESS', `recipient ${JSON.stringify(r)} is not a phone number`);
    if (!seen.has(n)) out.push(n);
    seen.add(n);
  }
  return out;
}

function binaryMessage(b: BinarySms): { parts: Part[]; sms: SmsTransport } {
  const sms: SmsTransport = { coding: '8bit' };
  if (b.udh && b.udh.length > 0) {
    if (b.udh[0] !== b.udh.length - 1)
      throw new HttpError(400, 'NOWSMS_ERR_BAD_REQUEST', `UDH: its first octet (the header length, ${b.udh[0]}) does not match its ${b.udh.length - 1} octets`);
    Object.assign(sms, transportOfUdh(b.udh));
  }
  if (b.protocolId !== undefined) sms.protocolId = b.protocolId;
  if (b.dcs !== undefined) {
    // 23.038 general data coding group: bit 4 says a class is given in bits 0-1; bits 2-3 the alphabet.
    if ((b.dcs & 0xc0) === 0 && b.dcs & 0x10) sms.messageClass = (b.dcs & 3) as 0 | 1 | 2 | 3;
    if ((b.dcs & 0xf0) === 0xf0) sms.messageClass = (b.dcs & 3) as 0 | 1 | 2 | 3;
    if ((b.dcs & 0xcc) === 0x08) {
      // UCS-2 data: a text message whose bytes are given in hex; the pipeline encodes it again.
      const swapped = Buffer.from(b.data);
      if (swapped.length % 2) throw new HttpError(400, 'NOWSMS_ERR_BAD_REQUEST', 'Data: UCS-2 (DCS 08) needs an even number of octets');
      swapped.swap16();
      const { coding: _c, ...rest } = sms;
      return {
        parts: [{ contentType: 'text/plain; charset=utf-8', data: Buffer.from(swapped.toString('utf16le'), 'utf8') }],
        sms: { ...rest, coding: 'ucs2' },
      };
    }
  }
  return { parts: [{ contentType: SMS_BINARY_CONTENT_TYPE, data: b.data }], sms };
}

/** The sender: a forced sender always wins (as for SMTP); else the one asked for; else the user's default. */
function senderOf(api: PluginApi, user: StoredUser, asked: string | undefined): string {
  if (user.forcedSender) return user.forcedSender;
  if (asked !== undefined && asked.trim() !== '') {
    const s = asked.trim();
    return /^\+?[\d\s-]+$/.test(s) ? api.normalizeAddress(s.replace(/[\s-]/g, '')) : s;
  }
  return senderFor(user, api.config) ?? user.name;
}

export function buildMessages(api: PluginApi, user: StoredUser, req: SendRequest): NewMessage[] {
  if (req.connection !== undefined && !api.connectionIds().includes(req.connection))
    throw new HttpError(400, 'NOWSMS_ERR_BAD_REQUEST', `no connection ${req.connection}: name one of ${api.connectionIds().join(', ') || '(none)'}`);
  const from = senderOf(api, user, req.from);
  let parts: Part[];
  const sms: SmsTransport = {};
  if (req.kind === 'mms') {
    parts = [...(req.text ? [{ contentType: 'text/plain; charset=utf-8', data: Buffer.from(req.text, 'utf8'), name: 'text.txt' }] : []), ...(req.parts ?? [])];
    if (parts.length === 0 && !req.subject) throw new HttpError(400, 'NOWSMS_ERR_BAD_REQUEST', 'the MMS is empty: give a text, a file or a subject');
    parts = withSmil(parts);
  } else if (req.binary) {
    const b = binaryMessage(req.binary);
    parts = b.parts;
    Object.assign(sms, b.sms);
  } else {
    if (req.text === undefined || req.text === '') throw new HttpError(400, 'NOWSMS_ERR_BAD_REQUEST', 'no text: give the message text (Text=...)');
    parts = [{ contentType: 'text/plain; charset=utf-8', data: Buffer.from(req.text, 'utf8') }];
  }
  if (req.kind === 'sms') Object.assign(sms, req.sms);
  if (req.receipt) sms.receipt = 'final';
  const http = {
    api: req.api,
    ...(req.connection !== undefined ? { connection: req.connection } : {}),
    ...(req.delayUntil ? { delayUntil: req.delayUntil.toISOString() } : {}),
    ...(req.callback ? { callbackUrl: req.callback.url, ...(req.callback.kannelMask !== undefined ? { kannelMask: req.callback.kannelMask } : {}) } : {}),
  };
  return req.to.map((to) => ({
    direction: 'MT',
    kind: req.kind,
    from,
    to,
    user: user.name,
    via: 'http',
    ...(req.subject !== undefined && req.kind === 'mms' ? { subject: req.subject } : {}),
    parts,
    ...(req.delayUntil ? { delayUntil: req.delayUntil } : {}),
    ...(req.idempotencyKey !== undefined ? { idempotencyKey: `http:${user.name}:${req.idempotencyKey}:${to}` } : {}),
    meta: { http, ...(Object.keys(sms).length > 0 ? { sms } : {}) },
  }));
}

/** Build, commit (all or nothing), and say what became of each recipient; refusals as HttpError. */
/** Told of each committed message: the callback reactor then knows its target without reading it back. */
export type OnSubmitted = (id: string, m: NewMessage) => void;

export async function submitRequest(api: PluginApi, user: StoredUser, req: SendRequest, onSubmitted?: OnSubmitted): Promise<Submitted[]> {
  try {
    const messages = buildMessages(api, user, req);
    const accepted = await api.submit(messages);
    if (onSubmitted) accepted.forEach((a, i) => onSubmitted(a.id, messages[i]!));
    return accepted.map((a, i) => ({ to: messages[i]!.to, id: a.id, duplicate: a.duplicate === true, accepted: a }));
  } catch (err) {
    throw httpErrorOf(err);
  }
}

export function hexOf(value: string, what: string): Buffer {
  const clean = value.replace(/\s/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new HttpError(400, 'NOWSMS_ERR_BAD_REQUEST', `${what} must be hexadecimal octets (such as 0B05040B8423F0)`);
  return Buffer.from(clean, 'hex');
}
