// A queued MMS as an MM7 SubmitReq: the sender (the SMPP client's default-sender rules), the recipient,
// the subject (with "(FM: user)" when the connection embeds it), the parts in order as stored.
//
// Addresses: TS 23.140's Number is the digits of the number, so an international "+447700900123" goes as
// <Number>447700900123</Number> (as in the published MMSC examples); up to 6 digits is a <ShortCode>, as is
// an alphanumeric sender; an e-mail address is an <RFC2822Address>.
import { SendError, withSenderMarker, type Message } from 'nowsms';
import type { Mm7Address, SubmitReq } from '../mm7/types.ts';
import type { ResolvedMm7ClientOptions } from './options.ts';

export function senderOf(message: Message, opts: ResolvedMm7ClientOptions): string {
  if (!opts.allowSenderOverride && opts.defaultSender) return opts.defaultSender;
  return message.from || opts.defaultSender || '';
}

/** An address as MM7 writes it; undefined for one it cannot carry. */
export function mm7Address(a: string, role: 'sender' | 'recipient'): Mm7Address | undefined {
  const s = a.trim();
  if (/^\+\d{3,}$/.test(s)) return { kind: 'number', value: s.slice(1) };
  if (/^\d{7,}$/.test(s)) return { kind: 'number', value: s };
  if (/^\d{1,6}$/.test(s)) return { kind: 'shortCode', value: s };
  if (/^[^\s@]+@[^\s@]+$/.test(s)) return { kind: 'email', value: s };
  if (role === 'sender' && /^[A-Za-z0-9 ._-]{1,20}$/.test(s)) return { kind: 'shortCode', value: s };
  return undefined;
}

export function submitReqOf(message: Message, opts: ResolvedMm7ClientOptions, transactionId: string): SubmitReq {
  const to = mm7Address(message.to, 'recipient');
  if (!to) throw new SendError('permanent', `the recipient ${JSON.stringify(message.to)} is not a phone number, short code or e-mail address`);
  const from = senderOf(message, opts);
  const sender = from ? mm7Address(from, 'sender') : undefined;
  if (from && !sender) throw new SendError('permanent', `the sender ${JSON.stringify(from)} cannot be written as an MM7 address`);
  const subject = opts.embedSenderInSubject && message.user ? withSenderMarker(message.subject, message.user) : message.subject;
  const req: SubmitReq = {
    type: 'SubmitReq',
    transactionId,
    vaspId: opts.vaspId,
    recipients: { to: [to], cc: [], bcc: [] },
    deliveryReport: opts.deliveryReport,
    content: message.parts,
  };
  if (opts.vasId) req.vasId = opts.vasId;
  if (sender) req.sender = sender;
  if (opts.serviceCode) req.serviceCode = opts.serviceCode;
  if (subject) req.subject = subject;
  return req;
}
