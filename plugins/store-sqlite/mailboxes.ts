// MailboxStore: what each user can fetch over POP3, with the e-mail rendition cached once it is made.
// list() gives sizes only; a rendition is read when a client asks for it (RETR, TOP).
import type { MailboxEntry, MailboxStore } from 'nowsms';
import { updateRows } from './bulk.ts';
import { Coalescer } from '../store-common/coalesce.ts';
import type { ReadQueue } from './read-queue.ts';
import { noteAppended } from './status.ts';
import type { BulkKind, WriteQueue } from './write-queue.ts';

interface MailboxRow {
  uid: string;
  message_id: string;
  added_at: number;
  size: number | null;
}

interface Rendition {
  user: string;
  uid: string;
  rendition: Buffer;
}

// Saves that follow one another in the write queue (a login caching what it rendered) are one UPDATE per
// 100 entries, in one transaction. An UPDATE that finds no row (the entry was removed) is not an error.
const renditionKind: BulkKind<Rendition, void> = {
  async runMany(tx, saves) {
    await updateRows(
      tx,
      'mailbox',
      ['user_name', 'uid'],
      'rendition',
      saves.map((s) => [s.user, s.uid, s.rendition]),
    );
    return saves.map(() => ({ ok: true, value: undefined }));
  },
};

const KEY_SEPARATOR = '\0';

export function mailboxStore(reads: ReadQueue, writes: WriteQueue): MailboxStore {
  // Renditions asked for in the same turn (a session reading ahead) come back from one statement per user.
  const renditions = new Coalescer<string, Buffer>(async (keys) => {
    const byUser = new Map<string, string[]>();
    for (const key of keys) {
      const [user, uid] = key.split(KEY_SEPARATOR) as [string, string];
      const uids = byUser.get(user);
      if (uids) uids.push(uid);
      else byUser.set(user, [uid]);
    }
    const found = new Map<string, Buffer>();
    await Promise.all(
      [...byUser].map(([user, uids]) =>
        reads.read(
          async (sql) => {
            const rows = await sql.all<{ uid: string; rendition: Buffer }>(
              'SELECT uid, rendition FROM mailbox WHERE user_name = ? AND uid IN (SELECT value FROM json_each(?)) AND rendition IS NOT NULL',
              [user, JSON.stringify(uids)],
            );
            for (const r of rows) found.set(`${user}${KEY_SEPARATOR}${r.uid}`, r.rendition);
          },
          { single: true },
        ),
      ),
    );
    return found;
  });

  return {
    list: (user) =>
      reads.read(
        async (sql) => {
          // Insertion order (the rowid) breaks ties: POP3 message numbers must not shuffle between sessions.
          // length() of a BLOB reads its size from the record header, not the bytes.
          const rows = await sql.all<MailboxRow>(
            'SELECT uid, message_id, added_at, length(rendition) AS size FROM mailbox WHERE user_name = ? ORDER BY added_at, id',
            [user],
          );
          return rows.map((r): MailboxEntry => {
            const e: MailboxEntry = { uid: r.uid, messageId: r.message_id, addedAt: new Date(r.added_at) };
            if (r.size !== null) e.size = r.size;
            return e;
          });
        },
        { single: true },
      ),

    rendition: (user, uid) => renditions.get(`${user}${KEY_SEPARATOR}${uid}`),

    saveRendition: (user, uid, rendition) => writes.bulk(renditionKind, { user, uid, rendition }),

    remove: (user, uids) =>
      writes.write(async (tx) => {
        // A uid already gone (another session's QUIT got there first) is not an error: the outcome is the same.
        const gone = await tx.all<{ message_id: string }>(
          'DELETE FROM mailbox WHERE user_name = ? AND uid IN (SELECT value FROM json_each(?)) RETURNING message_id',
          [user, JSON.stringify(uids)],
        );
        if (gone.length === 0) return;
        // What recordStatus does for one message, for all of them at once.
        const ids = JSON.stringify(gone.map((r) => r.message_id));
        const now = Date.now();
        await tx.run("UPDATE messages SET status = 'retrieved' WHERE id IN (SELECT value FROM json_each(?))", [ids]);
        // In the order they left the mailbox: the seqs follow it.
        await tx.run(
          "INSERT INTO status_history (message_id, at, status, detail, target_kind, target_id) SELECT value, ?, 'retrieved', ?, 'mailbox', ? FROM json_each(?) ORDER BY key",
          [now, user, user, ids],
        );
        noteAppended(tx);
      }),
  };
}
