// The mail as the parser reads it from the DATA stream, reduced at once to what a message carries: the
// parser's own copies (headers, HTML, the raw text) are let go before the messages are built and stored.
// A small single-part plain-text mail takes the light path (light.ts) instead of mailparser.
import { Readable } from 'node:stream';
import type { ParsedMail } from 'mailparser';
import { mailContent, type MailContent } from './content.ts';
import { LIGHT_MAX_BYTES, lightMail } from './light.ts';
import type { ExtractOptions } from './text.ts';

// mailparser (and its charset tables) loads with the first mail that needs it, not with the gateway: most
// mail takes the light path, and an idle gateway keeps ~15 MiB less.
let parser: typeof import('mailparser').simpleParser | undefined;
async function mailparser(): Promise<typeof import('mailparser').simpleParser> {
  return (parser ??= (await import('mailparser')).simpleParser);
}

export interface ParsedContent {
  content: MailContent;
  messageId?: string;
}

// Nothing the gateway does not use: no HTML rendition of the text, no data: URIs of inline images (a
// second, base64 copy of each), no checksums.
const PARSER_OPTIONS = { keepCidLinks: true, skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true, checksumAlgo: false } as const;

/**
 * The first LIGHT_MAX_BYTES are gathered: a mail that ends within them is read whole (by the light path
 * when it can, else by mailparser); a longer one goes to mailparser as a stream, those bytes first.
 */
export async function parseMail(body: Readable, opts: ExtractOptions): Promise<ParsedContent> {
  const head: Buffer[] = [];
  let size = 0;
  const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  for (;;) {
    const next = await chunks.next();
    if (next.done) {
      const raw = Buffer.concat(head, size);
      const light = lightMail(raw);
      if (light) {
        return {
          content: mailContent({ text: light.text, subject: light.subject, attachments: [] }, opts),
          ...(light.messageId ? { messageId: light.messageId } : {}),
        };
      }
      return fullParse(raw, opts);
    }
    head.push(next.value);
    size += next.value.length;
    if (size > LIGHT_MAX_BYTES) break;
  }
  async function* rest(): AsyncGenerator<Buffer> {
    yield* head.splice(0);
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
  }
  return fullParse(Readable.from(rest(), { objectMode: false }), opts);
}

/** mailparser, on the whole mail or on the stream of it. */
export async function fullParse(input: Buffer | Readable, opts: ExtractOptions): Promise<ParsedContent> {
  const simpleParser = await mailparser();
  const mail: ParsedMail = await simpleParser(input as Parameters<typeof simpleParser>[0], PARSER_OPTIONS);
  const text = mail.text?.trim() ? mail.text : await htmlText(mail.html);
  return { content: mailContent({ ...mail, text }, opts), ...(mail.messageId ? { messageId: mail.messageId } : {}) };
}

/**
 * mailparser renders HTML as text only when the HTML is the whole mail or sits beside a text part; an
 * HTML-only body inside multipart/mixed or multipart/related (Apple Mail with a picture, swaks --attach)
 * would come out with no text at all. Rendered here the way mailparser renders a whole-HTML mail.
 */
async function htmlText(html: string | false | undefined): Promise<string> {
  if (!html) return '';
  const alone = await (await mailparser())(Buffer.from(`Content-Type: text/html; charset=utf-8\r\n\r\n${html}`, 'utf8'), PARSER_OPTIONS);
  return alone.text ?? '';
}
