// MailboxStore: what each user can fetch over POP3, with the e-mail rendition cached once it is made.
// list() gives sizes only; a rendition is read when a client asks for it (RETR, TOP).
import type pg from 'pg';
import type { MailboxEntry, MailboxStore } from 'nowsms';
import { updateRows } from './bulk.ts';
import { Coalescer } from '../store-common/coalesce.ts';
import { all } from './db.ts';
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

// Saves that follow one another in the write queue (a login caching what it rendered) are one UPDATE. An
// UPDATE that finds no row (the entry was removed) is not an error.
const renditionKind: BulkKind<Rendition, void> = {
  async runMany(tx, saves) {
    await updateRows(
      tx,
      'mailbox',
      [
        ['user_name', 'text'],
        ['uid', 'text'],
      ],
      ['rendition', 'bytea'],
      saves.map((s) => [s.user, s.uid, s.rendition]),
    );
    return saves.map(() => ({ ok: true, value: undefined }));
  },
};

const KEY_SEPARATOR = '\0';

export function mailboxStore(pool: pg.Pool, writes: WriteQueue): MailboxStore {
  // Renditions asked for in the same turn (a session reading ahead) come back from one statement.
  const renditions = new Coalescer<string, Buffer>(async (keys) => {
    const pairs = keys.map((k) => k.split(KEY_SEPARATOR) as [string, string]);
    const rows = await all<{ user_name: string; uid: string; rendition: Buffer }>(
      pool,
      `SELECT m.user_name, m.uid, m.rendition FROM unnest($1::text[], $2::text[]) AS k(u, uid)
       JOIN mailbox m ON m.user_name = k.u AND m.uid = k.uid WHERE m.rendition IS NOT NULL`,
      [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
    );
    return new Map(rows.map((r) => [`${r.user_name}${KEY_SEPARATOR}${r.uid}`, r.rendition]));
  });

  return {
    list: async (user) => {
      // Insertion order (the identity) breaks ties: POP3 message numbers must not shuffle between sessions.
      const rows = await all<MailboxRow>(
        pool,
        'SELECT uid, message_id, added_at, octet_length(rendition) AS size FROM mailbox WHERE user_name = $1 ORDER BY added_at, id',
        [user],
      );
      return rows.map((r): MailboxEntry => {
        const e: MailboxEntry = { uid: r.uid, messageId: r.message_id, addedAt: new Date(r.added_at) };
        if (r.size !== null) e.size = r.size;
        return e;
      });
    },

    rendition: (user, uid) => renditions.get(`${user}${KEY_SEPARATOR}${uid}`),

    saveRendition: (user, uid, rendition) => writes.bulk(renditionKind, { user, uid, rendition }),

    remove: (user, uids) =>
      writes.write(async (tx) => {
        // A uid already gone (another session's QUIT got there first) is not an error: the outcome is the same.
        // In the order they left the mailbox: the seqs follow it.
        const rows = await all<{ n: number }>(
          tx,
          `WITH gone AS (DELETE FROM mailbox WHERE user_name = $1 AND uid = ANY($2::text[]) RETURNING message_id, id),
           upd AS (UPDATE messages SET status = 'retrieved' WHERE id IN (SELECT message_id FROM gone))
           INSERT INTO status_history (message_id, at, status, detail, target_kind, target_id)
           SELECT message_id, $3::int8, 'retrieved', $1::text, 'mailbox', $1::text FROM gone ORDER BY id RETURNING 1 AS n`,
          [user, uids, Date.now()],
        );
        if (rows.length > 0) noteAppended(tx);
      }),
  };
}
