// The session's view of a user's mailbox, fixed at login (RFC 1939: message numbers and sizes do not change
// during a session). Entries the plug-in has never shown are rendered once and their bytes cached in the
// store, so every later session announces the same sizes and sends the same bytes.
import type { Logger, MailboxStore, MessageStore, User } from '../../core/index.ts';
import { renderMessage } from './render.ts';

export interface MaildropEntry {
  uid: string;
  bytes: Buffer;
  deleted: boolean;
}

export interface MaildropDeps {
  mailboxes: MailboxStore;
  messages: Pick<MessageStore, 'get'>;
  domains: { sms: string; mms: string };
  log: Logger;
}

export class Maildrop {
  constructor(private readonly entries: MaildropEntry[]) {}

  /** Message `n` (1-based), whether or not it is marked deleted. */
  at(n: number): MaildropEntry | undefined {
    return Number.isSafeInteger(n) && n >= 1 ? this.entries[n - 1] : undefined;
  }

  /** Messages not marked deleted, with their numbers. */
  visible(): Array<{ n: number; entry: MaildropEntry }> {
    return this.entries.flatMap((entry, i) => (entry.deleted ? [] : [{ n: i + 1, entry }]));
  }

  stat(): { count: number; octets: number } {
    const v = this.visible();
    return { count: v.length, octets: v.reduce((sum, { entry }) => sum + entry.bytes.length, 0) };
  }

  deletedUids(): string[] {
    return this.entries.filter((e) => e.deleted).map((e) => e.uid);
  }

  reset(): void {
    for (const e of this.entries) e.deleted = false;
  }
}

export async function openMaildrop(deps: MaildropDeps, user: Pick<User, 'name' | 'fullName'>): Promise<Maildrop> {
  const listed = await deps.mailboxes.list(user.name);
  const entries: MaildropEntry[] = [];
  for (const item of listed) {
    if (item.rendition) {
      entries.push({ uid: item.uid, bytes: item.rendition, deleted: false });
      continue;
    }
    const message = await deps.messages.get(item.messageId);
    if (!message) {
      deps.log.warn({ user: user.name, uid: item.uid, messageId: item.messageId }, 'mailbox entry without its message: not shown');
      continue;
    }
    const bytes = await renderMessage(message, { domains: deps.domains, user });
    try {
      await deps.mailboxes.saveRendition(user.name, item.uid, bytes);
    } catch (err) {
      // Rendering is deterministic, so serving uncached bytes keeps sizes stable; the next login retries the save.
      deps.log.warn({ err, user: user.name, uid: item.uid }, 'could not cache the e-mail rendition');
    }
    entries.push({ uid: item.uid, bytes, deleted: false });
  }
  return new Maildrop(entries);
}
