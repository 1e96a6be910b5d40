// From a parsed e-mail to what an SMS or an MMS carries.
import type { ParsedMail } from 'mailparser';
import { meaningfulSubject, withSmil, type Part } from 'nowsms';
import { extractText, joinSubject, type ExtractOptions, type SubjectRule } from './text.ts';

export const TEXT_TYPE = 'text/plain; charset=utf-8';

export interface MailContent {
  /** The new text of the body (mailparser renders an HTML-only body as text). */
  text: string;
  /** The subject minus Re:/Fwd: and minus the gateway's own `SMS from ...` subjects. */
  subject: string;
  attachments: Part[];
}

export function mailContent(mail: Pick<ParsedMail, 'text' | 'subject' | 'attachments'>, opts: ExtractOptions): MailContent {
  return {
    text: extractText(mail.text ?? '', opts),
    subject: meaningfulSubject(mail.subject),
    attachments: mail.attachments.map((a) => ({
      contentType: a.contentType,
      ...(a.filename ? { name: a.filename } : {}),
      // Without the angle brackets, as `cid:` references in HTML and SMIL write it.
      ...(a.cid ? { contentId: a.cid } : {}),
      data: a.content,
    })),
  };
}

export function smsText(content: MailContent, rule: SubjectRule): string {
  return joinSubject(content.subject, content.text, rule);
}

export function smsParts(text: string): Part[] {
  return [{ contentType: TEXT_TYPE, data: Buffer.from(text, 'utf8') }];
}

/**
 * The text first (phones show the first text part as the message), then every attachment in mail order,
 * and a SMIL presentation of them last unless the mail brought its own.
 */
export function mmsParts(content: MailContent): Part[] {
  return withSmil([...(content.text ? smsParts(content.text) : []), ...content.attachments]);
}
