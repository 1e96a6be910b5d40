// mailto: an address outside the gateway's domains: an e-mail through the configured smarthost, from the
// sender's number at the SMS (or MMS) domain, so that the recipient's Reply sends an SMS back.
import { createRequire } from 'node:module';
import type nodemailer from 'nodemailer';
import { emailAddressFor, subjectFor, textOf, type Message } from 'nowsms';
import type { ResolvedOptions } from './options.ts';
import { excerpt, type Outcome } from './outcome.ts';

export type Smarthost = NonNullable<ResolvedOptions['smarthost']>;

export function mailer(s: Smarthost, timeoutMs: number): nodemailer.Transporter {
  // Loaded with the first smarthost, not with the plug-in.
  const { createTransport } = createRequire(import.meta.url)('nodemailer') as typeof nodemailer;
  return createTransport({
    host: s.host,
    port: s.port,
    secure: s.secure,
    ...(s.user ? { auth: { user: s.user, pass: s.password ?? '' } } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
}

export async function sendMail(
  transport: nodemailer.Transporter,
  to: string,
  message: Message,
  domains: { sms: string; mms: string },
  key: string,
): Promise<Outcome> {
  const text = textOf(message);
  const attachments = message.parts
    .filter((p) => !/^text\/plain\b/i.test(p.contentType) && !/^application\/smil\b/i.test(p.contentType))
    .map((p, i) => ({ filename: p.name ?? `part${i + 1}`, content: p.data, contentType: p.contentType, ...(p.contentId ? { cid: p.contentId } : {}) }));
  try {
    const info = await transport.sendMail({
      from: emailAddressFor(message.from, message.kind, domains),
      to,
      subject: subjectFor(message, text),
      text,
      attachments,
      // The same Message-ID on every attempt: a mail system that sees it twice can tell.
      messageId: `<${key}@${domains.sms}>`,
      headers: { 'Idempotency-Key': key },
    });
    return { kind: 'done', detail: `mail to ${to} accepted by the smarthost: ${excerpt(String(info.response ?? ''), 120)}`, answers: [] };
  } catch (e) {
    const err = e as { responseCode?: number; response?: string; code?: string; message: string };
    const detail = `mail to ${to}: ${err.response ? excerpt(err.response, 160) : (err.code ?? err.message)}`;
    return err.responseCode !== undefined && err.responseCode >= 500 ? { kind: 'final', detail } : { kind: 'retry', detail };
  }
}
