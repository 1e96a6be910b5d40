// EventLog: the status history read as the gateway's ordered log (seq = the history row's id), and the
// cursors of durable reactors. Appends are serialised across nodes (write-queue.ts), so a seq is visible
// only once every smaller one is: a follower never moves past a change that commits later.
import type pg from 'pg';
import type { Direction, EventLog, MessageStatus, StatusChange } from 'nowsms';
import { targetColumns } from '../store-common/history.ts';
import { all, get, run } from './db.ts';
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

/**
 * A NOTIFY payload holds at most 8000 bytes. A transaction of several statements sends its changes in as
 * many notifications as they fill; a one-statement batch, in one if they fit (notifyWithChanges).
 */
const MAX_PAYLOAD = 7900;

/**
 * SQL: the changes a statement appended as the event log reads them, a JSON array (of ChangeRow values,
 * in seq order) as text, from `sources`: each a query of the history rows some part of it inserted, with
 * the columns id (the seq), message_id, status, detail, at, target_kind, target_id, direction, via and
 * user_name. The statement returns it, for its own node's followers (changesOf), and NOTIFYs it
 * (notifyWithChanges). A source pairs each row with its message without a join (which, with the write
 * connections' nested loops only, would cost the square of the rows): see `zipHistory`.
 */
export function changesJson(sources: readonly string[]): string {
  return `(SELECT coalesce(json_agg(json_build_array(
        r.id, r.message_id, r.status, r.detail, r.at, r.target_kind, r.target_id, r.direction, r.via, r.user_name) ORDER BY r.id)::text, '[]')
      FROM (${sources.join('\n      UNION ALL ')}) r)`;
}

/**
 * SQL: the seqs of the history rows `history` (a WITH query RETURNING id) paired, in order, with `columns`,
 * arrays (SQL expressions) of as many values, in the order the rows were inserted: an INSERT whose SELECT is
 * ORDER BY draws its identity values in that order, so the n-th smallest id is the n-th row.
 */
export function zipHistory(history: string, columns: Record<string, string>): string {
  const names = Object.keys(columns);
  return `SELECT z.id, ${names.map((n) => `z.${n}`).join(', ')}
      FROM unnest((SELECT array_agg(id ORDER BY id) FROM ${history}), ${Object.values(columns).join(', ')}) AS z(id, ${names.join(', ')})`;
}

/**
 * SQL: the NOTIFY on channel `channel` from handle `handle` (both SQL expressions) of a statement whose
 * changes are `changes` (an expression holding changesJson's text): the handle's id, a newline, and the
 * changes. The other nodes' followers take them as read (listen.ts): under load each node would otherwise
 * read every other node's commits back, a round trip each that grows with the number of nodes. Changes
 * past one notification go as the handle alone, and the others read them: splitting them here made every
 * such statement plan 0.1 ms longer, which cost two nodes more than the reads it saved (bench:nodes), and
 * sending them in a transaction after it cost more still. That was measured when every statement was
 * planned at each execution; write statements are now planned once per connection (db.ts), so splitting
 * here is worth measuring again.
 */
export function notifyWithChanges(channel: string, handle: string, changes: string): string {
  return `pg_notify(${channel}, CASE WHEN octet_length(${handle}) + 1 + octet_length(${changes}) <= ${MAX_PAYLOAD} THEN ${handle} || E'\\n' || ${changes} ELSE ${handle} END)`;
}

/** A change as one element of changesJson's array (changesOf reads it back as it was). */
function changeRow(c: StatusChange): unknown[] {
  return [c.seq, c.messageId, c.status, c.detail ?? null, c.at.getTime(), ...targetColumns(c.target), c.direction, c.via ?? null, c.user ?? null];
}

/** Quotes the payload; PostgreSQL takes a dollar-quoted literal as it is, whatever its backslashes. */
const DOLLAR_TAG = '$nowsms_payload$';

/**
 * SQL: the NOTIFY statements on `channel` of a transaction that appended `changes` (as notifyWithChanges
 * builds them in a statement): each the handle, a newline and as many of the changes, in order, as fit; or
 * the handle alone when they are not known. Notifications of one transaction reach the listeners together,
 * in this order, once it commits.
 */
export function notifyStatements(channel: string, handle: string, changes: readonly StatusChange[] | undefined): string {
  const plain = `NOTIFY ${channel}, '${handle.replace(/'/g, "''")}'`;
  if (!changes?.length) return plain;
  const statements: string[] = [];
  const room = MAX_PAYLOAD - Buffer.byteLength(handle) - 3; // the newline and the array's brackets
  let chunk: string[] = [];
  let size = 0;
  const flush = () => {
    if (chunk.length === 0) return;
    const payload = `${handle}\n[${chunk.join(',')}]`;
    statements.push(payload.includes(DOLLAR_TAG) ? plain : `NOTIFY ${channel}, ${DOLLAR_TAG}${payload}${DOLLAR_TAG}`);
    chunk = [];
    size = 0;
  };
  for (const c of changes) {
    const row = JSON.stringify(changeRow(c));
    const bytes = Buffer.byteLength(row) + 1;
    if (bytes > room) {
      // Too long for any notification: told by the handle alone, and read.
      flush();
      statements.push(plain);
      continue;
    }
    if (size + bytes > room) flush();
    chunk.push(row);
    size += bytes;
  }
  flush();
  return statements.join('; ');
}

/** The changes of changesJson's text, or of a notification's. */
export function changesOf(json: string): StatusChange[] {
  return (JSON.parse(json) as unknown[][]).map(([seq, message_id, status, detail, at, target_kind, target_id, direction, via, user_name]) =>
    changeOf({ seq, message_id, status, detail, at, target_kind, target_id, direction, via, user_name } as ChangeRow),
  );
}

/** A notification's payload: the handle that committed, and the changes, when it carries them (and it is not `skip`). */
export function readPayload(payload: string, skip?: string): { handle: string; changes?: StatusChange[] } {
  const nl = payload.indexOf('\n');
  if (nl < 0) return { handle: payload };
  const handle = payload.slice(0, nl);
  if (handle === skip) return { handle };
  try {
    return { handle, changes: changesOf(payload.slice(nl + 1)) };
  } catch {
    return { handle };
  }
}

/** The listeners of onAppend: woken by this handle's commits and by other nodes' (listen.ts). */
export class AppendListeners {
  private readonly listeners = new Set<(changes?: readonly StatusChange[]) => void>();

  add(listener: (changes?: readonly StatusChange[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** `changes`: what the commit (this handle's or another node's) appended, when it is known. */
  fire(changes?: readonly StatusChange[]): void {
    for (const l of this.listeners) l(changes);
  }
}

export function eventLog(pool: pg.Pool, writes: WriteQueue, listeners: AppendListeners): EventLog {
  writes.onLogAppend((changes) => listeners.fire(changes));
  return {
    changesSince: async (cursor, limit) =>
      (
        await all<ChangeRow>(
          pool,
          `SELECT h.id AS seq, h.message_id, h.status, h.detail, h.at, h.target_kind, h.target_id, m.direction, m.via, m.user_name
           FROM status_history h JOIN messages m ON m.id = h.message_id
           WHERE h.id > $1 ORDER BY h.id LIMIT $2`,
          [cursor, limit],
        )
      ).map(changeOf),

    newestSeq: async () => (await get<{ seq: number }>(pool, 'SELECT coalesce(max(id), 0)::int8 AS seq FROM status_history'))!.seq,

    onAppend: (listener) => listeners.add(listener),

    cursor: async (name) => (await get<{ seq: number }>(pool, 'SELECT seq FROM cursors WHERE name = $1', [name]))?.seq,

    saveCursor: (name, seq) =>
      writes.write(async (tx) => {
        // Never back: two savers of one name (a restart racing a slow save) keep the furthest.
        await run(
          tx,
          `INSERT INTO cursors (name, seq, saved_at) VALUES ($1, $2, $3)
           ON CONFLICT (name) DO UPDATE SET seq = greatest(cursors.seq, excluded.seq), saved_at = excluded.saved_at`,
          [name, seq, Date.now()],
        );
      }),
  };
}
