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
  return { content: mailContent(mail, opts), ...(mail.messageId ? { messageId: mail.messageId } : {}) };
}
