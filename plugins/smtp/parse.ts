// The mail as the parser reads it from the DATA stream, reduced at once to what a message carries: the
// parser's own copies (headers, HTML, the raw text) are let go before the messages are built and stored.
import { simpleParser, type ParsedMail } from 'mailparser';
import { mailContent, type MailContent } from './content.ts';
import type { ExtractOptions } from './text.ts';

export interface ParsedContent {
  content: MailContent;
  messageId?: string;
}

// Nothing the gateway does not use: no HTML rendition of the text, no data: URIs of inline images (a
// second, base64 copy of each), no checksums.
const PARSER_OPTIONS = { keepCidLinks: true, skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true, checksumAlgo: false } as const;

export async function parseMail(body: NodeJS.ReadableStream, opts: ExtractOptions): Promise<ParsedContent> {
  const mail: ParsedMail = await simpleParser(body as Parameters<typeof simpleParser>[0], PARSER_OPTIONS);
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
  const alone = await simpleParser(Buffer.from(`Content-Type: text/html; charset=utf-8\r\n\r\n${html}`, 'utf8'), PARSER_OPTIONS);
  return alone.text ?? '';
}
