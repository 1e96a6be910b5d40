// What the e-mail side shares between SMTP (in) and POP3 (out): the addresses and subjects that make
// an e-mail client's Reply button send an SMS back.
import type { Message } from './types.ts';

/** The e-mail address a phone number has on the gateway: `+15550001111@sms.localhost`. */
export function emailAddressFor(phone: string, kind: Message['kind'], domains: { sms: string; mms: string }): string {
  return `${phone}@${kind === 'mms' ? domains.mms : domains.sms}`;
}

const PREVIEW = 60;

/** The subject a person can scan in their inbox: `SMS from +15550002222: first words of the text`. */
export function subjectFor(message: Pick<Message, 'kind' | 'from' | 'subject'>, text: string): string {
  const label = `${message.kind.toUpperCase()} from ${message.from}`;
  const gist = (message.subject ?? text).replace(/\s+/g, ' ').trim();
  if (!gist) return label;
  return `${label}: ${gist.length > PREVIEW ? gist.slice(0, PREVIEW - 1) + '…' : gist}`;
}

const REPLY_PREFIX = /^(?:\s*(?:re|fw|fwd|aw|wg|sv|vs|tr|rv|antw)\s*(?:\[\d+\])?\s*:\s*)+/i;
const GATEWAY_SUBJECT = /^(?:SMS|MMS) from \S+(?::.*)?$/;

/**
 * The part of a subject worth sending: reply/forward prefixes dropped, and nothing at all when what is
 * left is a subject this gateway wrote (a reply to `SMS from +1555...: hi` must not start with that line).
 */
export function meaningfulSubject(subject: string | undefined): string {
  const s = (subject ?? '').replace(REPLY_PREFIX, '').trim();
  return GATEWAY_SUBJECT.test(s) ? '' : s;
}
