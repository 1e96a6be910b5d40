// A stored message as the e-mail a POP3 client downloads. The bytes must be the same every time they are
// made (a cached rendition and a fresh one must agree, and LIST sizes promised once never change), so
// nothing random may go in: the MIME boundary is derived from the message id.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { emailAddressFor, isSmil, subjectFor, textOf, type Message, type Part, type User } from 'nowsms';

export interface RenderContext {
  domains: { sms: string; mms: string };
  /** The mailbox owner, who appears in To:. */
  user: Pick<User, 'name' | 'fullName'>;
  /** Attach an MMS's SMIL presentation too (by default it is left out: it means nothing to a person). */
  smilAttachments?: boolean;
}

// MailComposer passes these through to MimeNode, but @types/nodemailer does not list them on Mail.Options.
type ComposerOptions = Mail.Options & { baseBoundary: string; newline: string };

const TEXT = /^text\/plain\b/i;

export function boundaryFor(messageId: string): string {
  return createHash('sha256').update(messageId).digest('hex').slice(0, 24);
}

/** The message as RFC 5322 bytes with CRLF line ends, ending in CRLF. */
export async function renderMessage(message: Message, ctx: RenderContext): Promise<Buffer> {
  const text = textOf(message);
  const domain = message.kind === 'mms' ? ctx.domains.mms : ctx.domains.sms;
  const options: ComposerOptions = {
    from: { name: message.from, address: emailAddressFor(message.from, message.kind, ctx.domains) },
    to: { name: ctx.user.fullName || ctx.user.name, address: `${ctx.user.name}@${ctx.domains.mms}` },
    // An MMS has a subject of its own, which its sender wrote to be read as it is.
    subject: message.kind === 'mms' && message.subject?.trim() ? message.subject : subjectFor(message, text),
    date: message.receivedAt,
    messageId: `<${message.id}@${domain}>`,
    headers: { 'X-Nowsms-Message-Id': message.id },
    // A lone CR from a handset would otherwise reach the client as a bare CR, which RFC 5322 forbids.
    text: text.replace(/\r\n?/g, '\n'),
    attachments: message.parts.filter((p) => !TEXT.test(p.contentType) && (ctx.smilAttachments || !isSmil(p))).map(attachment),
    baseBoundary: boundaryFor(message.id),
    newline: '\r\n',
    // Content comes from the store, never from paths or URLs a sender could name.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
  // Loaded at the first RETR of a message not rendered before, not with the plug-in.
  const Composer = createRequire(import.meta.url)('nodemailer/lib/mail-composer/index.js') as typeof MailComposer;
  const bytes = await new Composer(options).compile().build();
  return bytes.subarray(-2).equals(CRLF) ? bytes : Buffer.concat([bytes, CRLF]);
}

const CRLF = Buffer.from('\r\n');

function attachment(part: Part, index: number): Mail.Attachment {
  return {
    content: part.data,
    contentType: part.contentType,
    filename: part.name ?? `part-${index + 1}${extensionFor(part.contentType)}`,
    contentDisposition: 'attachment',
    ...(part.contentId ? { cid: part.contentId.replace(/^<|>$/g, '') } : {}),
  };
}

// A name lets mail clients offer to open the part; MMS parts often arrive without one.
function extensionFor(contentType: string): string {
  const sub = /^[^/]+\/([a-z0-9.+-]+)/i.exec(contentType)?.[1]?.toLowerCase();
  if (!sub) return '.bin';
  const known: Record<string, string> = {
    jpeg: '.jpg',
    'svg+xml': '.svg',
    'x-vcard': '.vcf',
    vcard: '.vcf',
    plain: '.txt',
    mpeg: '.mp3',
    '3gpp': '.3gp',
    amr: '.amr',
  };
  return known[sub] ?? `.${sub.replace(/^x-/, '').replace(/[^a-z0-9]/g, '')}`;
}
