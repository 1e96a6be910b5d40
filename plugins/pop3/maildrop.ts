// The session's view of a user's mailbox, fixed at login (RFC 1939: message numbers and sizes do not change
// during a session). Entries the plug-in has never shown are rendered once and their bytes cached in the
// store, so every later session announces the same sizes and sends the same bytes.
//
// A login reads the sizes only. The bytes are read when a client asks for them (RETR, TOP), a few entries
// at a time: a client fetching its messages in order costs one store read per READ_AHEAD messages, and a
// session holds at most READ_AHEAD_BYTES of them (plus one message larger than that) whatever the mailbox.
import type { Logger, MailboxStore, MessageStore, User } from 'nowsms';
import { renderMessage } from './render.ts';

export interface MaildropEntry {
  uid: string;
  messageId: string;
  /** Octets of the rendition: what LIST and STAT announce and RETR sends before dot-stuffing. */
  size: number;
  deleted: boolean;
  /** The bytes, kept by the session when they could not be cached in the store. */
  pinned?: Buffer;
}

export interface MaildropDeps {
  mailboxes: MailboxStore;
  messages: Pick<MessageStore, 'get'>;
  domains: { sms: string; mms: string };
  /** plugins.pop3.smilAttachments: an MMS's SMIL presentation is attached too. */
  smilAttachments?: boolean;
  log: Logger;
}

type Owner = Pick<User, 'name' | 'fullName'>;

/** Entries read from the store at once when a client asks for one that the session does not hold. */
export const READ_AHEAD = 32;
export const READ_AHEAD_BYTES = 256 * 1024;
// First login after many new messages: messages read per store read, and renditions saved per transaction
// (or fewer, once that many bytes are waiting), while the next ones render.
const RENDER_FETCH = 100;
const SAVE_COUNT = 500;
const SAVE_BYTES = 4 * 1024 * 1024;

export class Maildrop {
  /** The entries read ahead, by uid. */
  private held = new Map<string, Buffer>();

  constructor(
    private readonly deps: MaildropDeps,
    private readonly owner: Owner,
    private readonly entries: MaildropEntry[],
  ) {}

  /** Message `n` (1-based), whether or not it is marked deleted. */
  at(n: number): MaildropEntry | undefined {
    return Number.isSafeInteger(n) && n >= 1 ? this.entries[n - 1] : undefined;
  }

  /** Messages not marked deleted, with their numbers. */
  visible(): Array<{ n: number; entry: MaildropEntry }> {
    return this.entries.flatMap((entry, i) => (entry.deleted ? [] : [{ n: i + 1, entry }]));
  }

  stat(): { count: number; octets: number } {
    let count = 0;
    let octets = 0;
    for (const e of this.entries) {
      if (e.deleted) continue;
      count++;
      octets += e.size;
    }
    return { count, octets };
  }

  deletedUids(): string[] {
    return this.entries.filter((e) => e.deleted).map((e) => e.uid);
  }

  reset(): void {
    for (const e of this.entries) e.deleted = false;
  }

  /** The bytes of message `n` (which exists), exactly `size` of them; throws if they cannot be had. */
  async bytes(n: number): Promise<Buffer> {
    const entry = this.at(n)!;
    const bytes = entry.pinned ?? this.held.get(entry.uid) ?? (await this.readAhead(n));
    if (bytes.length !== entry.size) throw new Error(`pop3: message ${n} (${entry.uid}) is ${bytes.length} octets now, not the ${entry.size} announced`);
    return bytes;
  }

  /** Reads message n and the ones after it that a client fetching in order asks for next. */
  private async readAhead(n: number): Promise<Buffer> {
    const wanted: MaildropEntry[] = [];
    let octets = 0;
    for (let i = n - 1; i < this.entries.length && wanted.length < READ_AHEAD; i++) {
      const e = this.entries[i]!;
      if (e.pinned || (i !== n - 1 && e.deleted)) continue;
      if (wanted.length > 0 && octets + e.size > READ_AHEAD_BYTES) break;
      wanted.push(e);
      octets += e.size;
    }
    const { mailboxes } = this.deps;
    // Issued together, so the store answers them with one read.
    const found = await Promise.all(wanted.map((e) => mailboxes.rendition(this.owner.name, e.uid)));
    this.held = new Map();
    wanted.forEach((e, i) => {
      const bytes = found[i];
      if (bytes) this.held.set(e.uid, bytes);
    });
    return this.held.get(wanted[0]!.uid) ?? (await this.rerender(wanted[0]!));
  }

  /** The cache lost it (an operator removed the entry during the session): rendering is deterministic. */
  private async rerender(entry: MaildropEntry): Promise<Buffer> {
    const message = await this.deps.messages.get(entry.messageId);
    if (!message) throw new Error(`pop3: message ${entry.messageId} is no longer in the store`);
    return renderMessage(message, { domains: this.deps.domains, user: this.owner, smilAttachments: this.deps.smilAttachments === true });
  }
}

export async function openMaildrop(deps: MaildropDeps, user: Owner): Promise<Maildrop> {
  const listed = await deps.mailboxes.list(user.name);
  const entries: Array<MaildropEntry | undefined> = listed.map((item) =>
    item.size === undefined ? undefined : { uid: item.uid, messageId: item.messageId, size: item.size, deleted: false },
  );
  const fresh = listed.flatMap((item, k) => (item.size === undefined ? [k] : []));

  // Render what was never shown. The saves of a group are issued together, so they share one transaction
  // (one fsync), and the next group renders while they commit.
  let saving: Promise<unknown> = Promise.resolve();
  let group: Array<{ k: number; bytes: Buffer }> = [];
  let groupBytes = 0;
  const save = async () => {
    const toSave = group;
    group = [];
    groupBytes = 0;
    await saving;
    saving = Promise.all(
      toSave.map(({ k, bytes }) =>
        deps.mailboxes.saveRendition(user.name, listed[k]!.uid, bytes).catch((err: unknown) => {
          // Rendering is deterministic, so serving uncached bytes keeps sizes stable; the next login retries the save.
          deps.log.warn({ err, user: user.name, uid: listed[k]!.uid }, 'could not cache the e-mail rendition');
          entries[k]!.pinned = bytes;
        }),
      ),
    );
  };
  for (let i = 0; i < fresh.length; i += RENDER_FETCH) {
    const ks = fresh.slice(i, i + RENDER_FETCH);
    // Issued together, so the store answers them with one read.
    const messages = await Promise.all(ks.map((k) => deps.messages.get(listed[k]!.messageId)));
    for (const [j, k] of ks.entries()) {
      const item = listed[k]!;
      const message = messages[j];
      if (!message) {
        deps.log.warn({ user: user.name, uid: item.uid, messageId: item.messageId }, 'mailbox entry without its message: not shown');
        continue;
      }
      const bytes = await renderMessage(message, { domains: deps.domains, user, smilAttachments: deps.smilAttachments === true });
      entries[k] = { uid: item.uid, messageId: item.messageId, size: bytes.length, deleted: false };
      group.push({ k, bytes });
      groupBytes += bytes.length;
      if (group.length >= SAVE_COUNT || groupBytes >= SAVE_BYTES) await save();
    }
  }
  if (group.length > 0) await save();
  await saving;
  return new Maildrop(
    deps,
    user,
    entries.filter((e): e is MaildropEntry => e !== undefined),
  );
}
