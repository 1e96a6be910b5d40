// MailboxStore: what each user can fetch over POP3, with the e-mail rendition cached once it is made.
import type { MailboxEntry, MailboxStore } from '../../core/index.ts';
import type { ReadQueue } from './read-queue.ts';
import { recordStatus } from './status.ts';
import type { WriteQueue } from './write-queue.ts';

interface MailboxRow {
  uid: string;
  message_id: string;
  added_at: number;
  rendition: Buffer | null;
}

export function mailboxStore(reads: ReadQueue, writes: WriteQueue): MailboxStore {
  return {
    list: (user) =>
      reads.read(async (sql) => {
        // Insertion order (the rowid) breaks ties: POP3 message numbers must not shuffle between sessions.
        const rows = await sql.all<MailboxRow>('SELECT uid, message_id, added_at, rendition FROM mailbox WHERE user_name = ? ORDER BY added_at, id', [user]);
        return rows.map((r): MailboxEntry => {
          const e: MailboxEntry = { uid: r.uid, messageId: r.message_id, addedAt: new Date(r.added_at) };
          if (r.rendition !== null) e.rendition = r.rendition;
          return e;
        });
      }),

    saveRendition: (user, uid, rendition) =>
      writes.write(async (tx) => {
        await tx.run('UPDATE mailbox SET rendition = ? WHERE user_name = ? AND uid = ?', [rendition, user, uid]);
      }),

    remove: (user, uids) =>
      writes.write(async (tx) => {
        const now = Date.now();
        for (const uid of uids) {
          // A uid already gone (another session's QUIT got there first) is not an error: the outcome is the same.
          const row = await tx.get<{ message_id: string }>('DELETE FROM mailbox WHERE user_name = ? AND uid = ? RETURNING message_id', [user, uid]);
          if (row) await recordStatus(tx, row.message_id, 'retrieved', user, now);
        }
      }),
  };
}
