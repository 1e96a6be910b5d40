// EventLog: the status history read as the gateway's ordered log (seq = the history row's id), and the
// cursors of durable reactors. A batch of changes is one statement that also brings the few facts of each
// message a reactor needs to pass over what is not its own (direction, via, user), so following the log
// costs one read per batch, never one per message.
import type { Direction, EventLog, MessageStatus, StatusChange } from 'nowsms';
import type { ReadQueue } from './read-queue.ts';
import type { WriteQueue } from './write-queue.ts';

interface ChangeRow {
  seq: number;
  message_id: string;
  status: MessageStatus;
  detail: string | null;
  at: number;
  target_kind: 'mailbox' | 'connection' | 'command' | null;
  target_id: string | null;
  direction: Direction;
  via: string | null;
  user_name: string | null;
}

function changeOf(r: ChangeRow): StatusChange {
  const c: StatusChange = { seq: r.seq, messageId: r.message_id, status: r.status, at: new Date(r.at), direction: r.direction };
  if (r.detail !== null) c.detail = r.detail;
  if (r.target_kind !== null && r.target_id !== null)
    c.target = r.target_kind === 'mailbox' ? { kind: 'mailbox', user: r.target_id } : { kind: r.target_kind, id: r.target_id };
  if (r.via !== null) c.via = r.via;
  if (r.user_name !== null) c.user = r.user_name;
  return c;
}

export function eventLog(reads: ReadQueue, writes: WriteQueue): EventLog {
  return {
    changesSince: (cursor, limit) =>
      reads.read(
        async (sql) =>
          (
            await sql.all<ChangeRow>(
              `SELECT h.id AS seq, h.message_id, h.status, h.detail, h.at, h.target_kind, h.target_id, m.direction, m.via, m.user_name
               FROM status_history h JOIN messages m ON m.id = h.message_id
               WHERE h.id > ? ORDER BY h.id LIMIT ?`,
              [cursor, limit],
            )
          ).map(changeOf),
        { single: true },
      ),

    newestSeq: () =>
      reads.read(async (sql) => (await sql.get<{ seq: number }>('SELECT coalesce(max(id), 0) AS seq FROM status_history'))!.seq, { single: true }),

    onAppend: (listener) => writes.onLogAppend(listener),

    cursor: (name) => reads.read(async (sql) => (await sql.get<{ seq: number }>('SELECT seq FROM cursors WHERE name = ?', [name]))?.seq, { single: true }),

    saveCursor: (name, seq) =>
      writes.write(async (tx) => {
        // Never back: two savers of one name (a restart racing a slow save) keep the furthest.
        await tx.run(
          'INSERT INTO cursors (name, seq, saved_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET seq = max(seq, excluded.seq), saved_at = excluded.saved_at',
          [name, seq, Date.now()],
        );
      }),
  };
}
