// The delivery receipt text of SMPP v3.4 Appendix B:
//   id:IIIIIIIIII sub:SSS dlvrd:DDD submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DDDDDDD err:E text:...
// The appendix is only "an example", so SMSCs vary: fields out of order or missing, keys in any case,
// `submit_date`, seconds or four-digit years in dates, hex or alphanumeric ids, a non-numeric `err`.
// The parser takes what is there and leaves the rest undefined rather than refusing the receipt:
// a receipt dropped for a misspelt field is a message whose status never changes.

export interface Receipt {
  /** As the SMSC wrote it (no normalisation: the matcher decides about hex, case, leading zeros). '' when absent. */
  id: string;
  /** Number of segments submitted / delivered; undefined when absent or not a number. */
  sub?: number;
  dlvrd?: number;
  /** Dates are read and written as UTC: the appendix gives no zone, and the sender's zone is unknowable. */
  submitDate?: Date;
  doneDate?: Date;
  /** Upper-cased: DELIVRD, EXPIRED, DELETED, UNDELIV, ACCEPTD, UNKNOWN, REJECTD, ENROUTE; 'UNKNOWN' when absent. */
  stat: string;
  /** Raw, because SMSCs send network-specific codes such as `21b`; '000' when absent. */
  err: string;
  /** The first characters of the message (20 by convention); undefined when absent or empty. */
  text?: string;
}

/** The message_state TLV value (SMPP v3.4 5.2.28) for each `stat` word. */
export const MESSAGE_STATE: Readonly<Record<string, number>> = {
  ENROUTE: 1,
  DELIVRD: 2,
  EXPIRED: 3,
  DELETED: 4,
  UNDELIV: 5,
  ACCEPTD: 6,
  UNKNOWN: 7,
  REJECTD: 8,
};

/** What a `stat` word means for the message: final success, final failure, or not final yet. */
export function receiptOutcome(stat: string): 'delivered' | 'undeliverable' | 'pending' {
  switch (normaliseStat(stat)) {
    case 'DELIVRD':
      return 'delivered';
    case 'EXPIRED':
    case 'DELETED':
    case 'UNDELIV':
    case 'REJECTD':
      return 'undeliverable';
    default:
      return 'pending';
  }
}

/** The `stat` word for a message_state TLV value; 'UNKNOWN' for values the spec does not define. */
export function statForState(state: number): string {
  for (const [stat, value] of Object.entries(MESSAGE_STATE)) if (value === state) return stat;
  return 'UNKNOWN';
}

type Key = 'id' | 'sub' | 'dlvrd' | 'submit date' | 'done date' | 'stat' | 'err' | 'text';

// `submit date`, `submit_date`, `submitdate`: all seen in the wild. A key must start the text or follow
// whitespace, so that `text:` inside `id:abctext:` is not a key.
const KEY_RE = /(^|\s)(id|sub|dlvrd|submit[ _]?date|done[ _]?date|stat|err|text)\s?:/gi;

function canonicalKey(raw: string): Key {
  const k = raw.toLowerCase().replace(/[ _]/g, '');
  if (k === 'submitdate') return 'submit date';
  if (k === 'donedate') return 'done date';
  return k as Key;
}

interface Hit {
  key: Key;
  /** Where the key begins (after the whitespace that precedes it). */
  start: number;
  /** Where its value begins. */
  valueStart: number;
}

function findKeys(text: string): Hit[] {
  const hits: Hit[] = [];
  for (const m of text.matchAll(KEY_RE)) {
    const start = (m.index ?? 0) + (m[1] ?? '').length;
    hits.push({ key: canonicalKey(m[2] ?? ''), start, valueStart: (m.index ?? 0) + m[0].length });
  }
  return hits;
}

/**
 * Parse a receipt text. Returns undefined when the text carries neither an `id:` nor a `stat:` field,
 * i.e. does not look like a receipt at all (an ordinary MO that happens to contain a colon).
 */
export function parseReceipt(text: string): Receipt | undefined {
  const hits = findKeys(text);
  const values = new Map<Key, string>();
  for (let i = 0; i < hits.length; i++) {
    const hit = hits[i]!;
    if (values.has(hit.key)) continue; // the first occurrence wins; later ones are inside `text:`
    if (hit.key === 'text') {
      // The text is free-form and may contain spaces and colons: it runs to the end, unless a field not
      // seen yet follows it (some SMSCs put `text:` before `stat:`).
      const seen = new Set(values.keys());
      const next = hits.slice(i + 1).find((h) => h.key !== 'text' && !seen.has(h.key));
      values.set('text', text.slice(hit.valueStart, next ? next.start : text.length).replace(/\s+$/, ''));
      if (!next) break;
      i = hits.indexOf(next) - 1;
      continue;
    }
    // `stat: DELIVRD` (a space after the colon) happens; `sub: dlvrd:001` is an empty sub, not "dlvrd:001".
    const token = /^\s*(\S*)/.exec(text.slice(hit.valueStart))?.[1] ?? '';
    values.set(hit.key, token.includes(':') ? '' : token);
  }
  if (!values.has('id') && !values.has('stat')) return undefined;

  const receipt: Receipt = {
    id: values.get('id') ?? '',
    stat: normaliseStat(values.get('stat') ?? ''),
    err: values.get('err') || '000',
  };
  const sub = count(values.get('sub'));
  if (sub !== undefined) receipt.sub = sub;
  const dlvrd = count(values.get('dlvrd'));
  if (dlvrd !== undefined) receipt.dlvrd = dlvrd;
  const submitDate = parseDate(values.get('submit date'));
  if (submitDate) receipt.submitDate = submitDate;
  const doneDate = parseDate(values.get('done date'));
  if (doneDate) receipt.doneDate = doneDate;
  const body = values.get('text');
  if (body) receipt.text = body;
  return receipt;
}

/** The standard text, as SMSCs (and Kannel, and cloudhopper) write it: three-digit counts, ten-digit dates. */
export function formatReceipt(r: Receipt): string {
  return [
    `id:${r.id}`,
    `sub:${pad3(r.sub)}`,
    `dlvrd:${pad3(r.dlvrd)}`,
    `submit date:${formatDate(r.submitDate)}`,
    `done date:${formatDate(r.doneDate)}`,
    `stat:${normaliseStat(r.stat)}`,
    `err:${/^\d{1,2}$/.test(r.err) ? r.err.padStart(3, '0') : r.err || '000'}`,
    `text:${[...(r.text ?? '')].slice(0, 20).join('')}`,
  ].join(' ');
}

function normaliseStat(stat: string): string {
  const s = stat.trim().toUpperCase();
  return s === '' ? 'UNKNOWN' : s;
}

function count(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

function pad3(n: number | undefined): string {
  return String(n ?? 0).padStart(3, '0');
}

/** YYMMDDhhmm, YYMMDDhhmmss or YYYYMMDDhhmmss, read as UTC; all zeros or anything else is "no date". */
function parseDate(value: string | undefined): Date | undefined {
  if (!value || !/^\d+$/.test(value) || /^0+$/.test(value)) return undefined;
  let year: number;
  let rest: string;
  if (value.length === 14) {
    year = Number(value.slice(0, 4));
    rest = value.slice(4);
  } else if (value.length === 10 || value.length === 12) {
    const yy = Number(value.slice(0, 2));
    // Two-digit years: the 1970s-90s for 70-99 (old test fixtures, epoch dates), this century otherwise.
    year = yy >= 70 ? 1900 + yy : 2000 + yy;
    rest = value.slice(2);
  } else {
    return undefined;
  }
  const [month, day, hour, minute, second] = [0, 2, 4, 6, 8].map((i) => Number(rest.slice(i, i + 2) || '0')) as [number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second));
}

function formatDate(date: Date | undefined): string {
  if (!date || Number.isNaN(date.getTime())) return '0000000000';
  const two = (n: number): string => String(n).padStart(2, '0');
  return two(date.getUTCFullYear() % 100) + two(date.getUTCMonth() + 1) + two(date.getUTCDate()) + two(date.getUTCHours()) + two(date.getUTCMinutes());
}
