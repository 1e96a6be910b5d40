// What an e-mail body says that is worth sending as a message. An SMS costs by the character, and a phone
// shows no threads, so the history an e-mail client quotes below a reply, and the sender's signature,
// must not be sent along with the new text.

export type SubjectRule = 'prepend' | 'append' | 'ignore';

export interface ExtractOptions {
  stripQuotes: boolean;
  stripSignatures: boolean;
}

// Attribution lines end like this in the clients people use (English, German, French, Spanish, Italian,
// Scandinavian, Dutch, Finnish, Polish, Portuguese).
const ATTRIBUTION_END = /(?:wrote|writes|schrieb|a écrit|escribió|ha scritto|skrev|schreef|kirjoitti|napisał|escreveu)\s*:\s*$/i;
const ATTRIBUTION_START = /^(?:On|Am|Le|El|Il|Den|Op|Em|W dniu)\s/i;
const ORIGINAL_MESSAGE = /^-{2,}\s*(?:Original Message|Ursprüngliche Nachricht|Message d'origine|Mensaje original|Messaggio originale)\s*-{2,}\s*$/i;
// Outlook's header block of the mail replied to: a From: line, then within a few lines Sent: or Date:.
const HEADER_FROM = /^\s*\*{0,2}(?:From|Von|De|Da|Van|Från|Fra)\s*:\*{0,2}\s*\S/i;
const HEADER_SENT = /^\s*\*{0,2}(?:Sent|Date|Gesendet|Datum|Envoyé|Enviado|Inviato|Verzonden|Skickat|Sendt)\s*:\*{0,2}\s*\S/i;
// Separators clients draw above a quoted header block (Outlook's underscores, an <hr> rendered as dashes).
const SEPARATOR = /^\s*(?:[-_=*]\s*){5,}$/;
const SIGNATURE = /^--\s*$/;
const QUOTED = /^\s*>/;

function trimBlankEdges(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start]!.trim() === '') start++;
  while (end > start && lines[end - 1]!.trim() === '') end--;
  return lines.slice(start, end);
}

/** Index of the first line of a quoted header block or an "Original Message" line, else -1. */
function forwardedHistoryStart(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (ORIGINAL_MESSAGE.test(line)) return i;
    if (HEADER_FROM.test(line) && lines.slice(i + 1, i + 5).some((l) => HEADER_SENT.test(l))) return i;
  }
  return -1;
}

/** Drop the attribution (`On <date>, <someone> wrote:`, possibly wrapped over two lines) ending at `end`. */
function dropAttributionBefore(out: string[]): void {
  let i = out.length - 1;
  while (i >= 0 && out[i]!.trim() === '') i--;
  if (i < 0 || !ATTRIBUTION_END.test(out[i]!)) return;
  // Gmail wraps a long attribution: "On Mon, 1 Jan 2024 at 10:00, Bob <\nbob@example.com> wrote:".
  const wrapped = i > 0 && out[i - 1]!.trim() !== '' && ATTRIBUTION_START.test(out[i - 1]!) && !ATTRIBUTION_START.test(out[i]!);
  out.length = wrapped ? i - 1 : i;
}

export function stripQuotedReplies(text: string): string {
  let lines = text.split('\n');
  const history = forwardedHistoryStart(lines);
  if (history >= 0) {
    lines = lines.slice(0, history);
    while (lines.length > 0 && (SEPARATOR.test(lines.at(-1)!) || lines.at(-1)!.trim() === '')) lines.pop();
  }
  const out: string[] = [];
  let inQuote = false;
  for (const line of lines) {
    if (QUOTED.test(line)) {
      if (!inQuote) dropAttributionBefore(out);
      inQuote = true;
      continue;
    }
    inQuote = false;
    out.push(line);
  }
  return out.join('\n');
}

export function stripSignature(text: string): string {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => SIGNATURE.test(l));
  return at < 0 ? text : lines.slice(0, at).join('\n');
}

/** The body as a message text: line ends unified, edges trimmed, quotes and signature dropped as asked. */
export function extractText(body: string, opts: ExtractOptions): string {
  let text = body.replace(/\r\n?/g, '\n');
  if (opts.stripSignatures) text = stripSignature(text);
  if (opts.stripQuotes) text = stripQuotedReplies(text);
  // Trailing spaces cost characters on a phone and say nothing; runs of blank lines likewise.
  const lines = trimBlankEdges(text.split('\n').map((l) => l.trimEnd()));
  return lines.join('\n').replace(/\n{3,}/g, '\n\n');
}

/** The SMS text: the subject and the body on separate lines in the order the rule says, an empty one skipped. */
export function joinSubject(subject: string, body: string, rule: SubjectRule): string {
  const s = subject.trim();
  const pieces = rule === 'prepend' ? [s, body] : rule === 'append' ? [body, s] : [body];
  return pieces.filter((p) => p !== '').join('\n');
}
