// One e-mail to N phones is N messages, all from the sending user.
import type { Address, MessageKind, NewMessage, Part } from 'nowsms';
import { mmsParts, smsParts, smsText, type MailContent } from './content.ts';
import { reply } from './replies.ts';
import type { SubjectRule } from './text.ts';

export interface MailEnvelope {
  mailFrom: string;
  emailMessageId?: string;
  recipients: Array<{ kind: MessageKind; number: Address }>;
}

export interface Submitter {
  user: string;
  from: Address;
}

export function buildMessages(content: MailContent, envelope: MailEnvelope, submitter: Submitter, subjectRule: SubjectRule): NewMessage[] {
  const text = smsText(content, subjectRule);
  // Made only for a mail to an MMS recipient: an SMS by e-mail needs no SMIL.
  let parts: Part[] | undefined;
  const meta = { mailFrom: envelope.mailFrom, ...(envelope.emailMessageId ? { emailMessageId: envelope.emailMessageId } : {}) };
  // Two spellings of one number in one mail (15550001111@ and +15550001111@) are one phone: send once.
  const seen = new Set<string>();
  const messages: NewMessage[] = [];
  for (const { kind, number } of envelope.recipients) {
    if (seen.has(`${kind}:${number}`)) continue;
    seen.add(`${kind}:${number}`);
    const base = { direction: 'MT' as const, kind, from: submitter.from, to: number, user: submitter.user, via: 'smtp', meta };
    if (kind === 'sms') {
      if (!text) throw reply(550, '5.6.0 the message is empty: write the SMS text in the body or the subject');
      messages.push({ ...base, parts: smsParts(text) });
    } else {
      parts ??= mmsParts(content);
      if (parts.length === 0 && !content.subject) throw reply(550, '5.6.0 the message is empty: an MMS needs a text, an attachment or a subject');
      messages.push({ ...base, ...(content.subject ? { subject: content.subject } : {}), parts });
    }
  }
  return messages;
}
