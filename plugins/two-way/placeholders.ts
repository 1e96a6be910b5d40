// NowSMS's 2-way placeholders (@@SENDER@@ and friends): checked when the config loads, filled in per message.
import { textOf, type Message } from 'nowsms';

/** Every placeholder a command may use (upper case; matched case-insensitively). */
export const PLACEHOLDERS = [
  'SENDER',
  'RECIP',
  'SMSPREFIX',
  'SMS',
  'FULLSMS',
  'MESSAGEID',
  'SMSCROUTE',
  'MSGDATE',
  'MSGTIME',
  'BINARY',
  'MMSSUBJECT',
  'MMSTEXT',
  'MMSPARTS',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type Values = Record<Placeholder, string>;

const PATTERN = /@@([A-Za-z0-9_]+)@@/g;
const KNOWN = new Set<string>(PLACEHOLDERS);

/** The placeholders in `template` that do not exist (as written). */
export function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(PATTERN)].map((m) => m[0]).filter((p, i, all) => !KNOWN.has(p.slice(2, -2).toUpperCase()) && all.indexOf(p) === i);
}

/** Fill in a template; `encode` is applied to each value (encodeURIComponent in URLs). */
export function expand(template: string, values: Values, encode: (v: string) => string = (v) => v): string {
  return template.replace(PATTERN, (whole, name: string) => {
    const v = values[name.toUpperCase() as Placeholder];
    return v === undefined ? whole : encode(v);
  });
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * A message's values. @@SMSPREFIX@@ is the first word (the keyword), @@SMS@@ the text after it, @@FULLSMS@@
 * the whole text; a binary SMS gives its octets in hex as @@SMS@@ and @@FULLSMS@@, and @@BINARY@@ 1. Date and
 * time are the gateway's local time when the message was received, as NowSMS writes them.
 * @@MMSPARTS@@ lists an MMS's parts (`type name size` per line); @@MMSTEXT@@ is its text parts.
 */
export function valuesOf(message: Message, links?: string): Values {
  const binaryPart = message.parts.find((p) => /^application\/octet-stream\b/i.test(p.contentType));
  const binary = message.kind === 'sms' && binaryPart !== undefined;
  const text = binary ? binaryPart.data.toString('hex').toUpperCase() : textOf(message);
  const [prefix, rest] = splitKeyword(commandText(message));
  const d = message.receivedAt;
  return {
    SENDER: message.from,
    RECIP: message.to,
    SMSPREFIX: binary ? '' : prefix,
    SMS: binary ? text : rest,
    FULLSMS: text,
    MESSAGEID: message.id,
    SMSCROUTE: message.via ?? '',
    MSGDATE: `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}`,
    MSGTIME: `${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`,
    BINARY: binary ? '1' : '0',
    MMSSUBJECT: message.subject ?? '',
    MMSTEXT: message.kind === 'mms' ? textOf(message) : '',
    MMSPARTS:
      links ?? message.parts.map((p) => `${p.contentType.split(';')[0]} ${p.name ?? p.contentId ?? ''} ${p.data.length}`.replace(/\s+/g, ' ')).join('\n'),
  };
}

/** The text whose first word is the keyword: an SMS's text; an MMS's subject, or its text when it has no subject. */
export function commandText(message: Pick<Message, 'kind' | 'parts' | 'subject'>): string {
  return message.kind === 'mms' && message.subject?.trim() ? message.subject : textOf(message);
}

/** The first word and what follows it (whitespace after the keyword dropped). */
export function splitKeyword(text: string): [string, string] {
  const m = /^\s*(\S*)\s*([\s\S]*)$/.exec(text)!;
  return [m[1]!, m[2]!];
}
