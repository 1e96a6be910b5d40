// The changes a write appended to the event log, as the log reads them (each store's events.ts), built by
// the write itself: a commit tells them to its own process's followers, who then need not read them.
import type { MessageStatus, StatusChange } from 'nowsms';

/** A change as a write knows it, all but its seq (the history row's id, known once inserted). */
export type NewChange = Omit<StatusChange, 'seq'>;

/** What a change carries of its message besides its id (the log joins it from the message's row). */
export interface MessageAbout {
  direction: StatusChange['direction'];
  via?: string | null;
  user?: string | null;
}

/** A history row as its write has it. */
export interface ChangeRecord {
  messageId: string;
  status: MessageStatus;
  detail: string | undefined | null;
  at: number;
  target?: StatusChange['target'];
}

/** A change as the event log reads it, from what the write knows. */
export function newChange(r: ChangeRecord, m: MessageAbout): NewChange {
  const c: NewChange = { messageId: r.messageId, status: r.status, at: new Date(r.at), direction: m.direction };
  if (r.detail !== undefined && r.detail !== null) c.detail = r.detail;
  if (r.target) c.target = r.target.kind === 'mailbox' ? { kind: 'mailbox', user: r.target.user } : { kind: r.target.kind, id: r.target.id };
  if (m.via !== undefined && m.via !== null) c.via = m.via;
  if (m.user !== undefined && m.user !== null) c.user = m.user;
  return c;
}

/** The changes of history rows just inserted in this order, given their ids (seqs), in the same order. */
export function withSeqs(changes: NewChange[], seqs: number[]): StatusChange[] | undefined {
  if (seqs.length !== changes.length) return undefined;
  return changes.map((c, i) => ({ ...c, seq: seqs[i]! }));
}

/** The ids `lastId - n + 1` to `lastId`: rows a single writer inserted with one statement (SQLite). */
export function lastIds(n: number, lastId: number): number[] {
  return Array.from({ length: n }, (_, i) => lastId - n + 1 + i);
}

/** What a transaction appended: its changes with their seqs, or 'unknown' (the followers read them). */
export type Appended = StatusChange[] | 'unknown';

/**
 * What each open transaction appended to the log, by its handle: its COMMIT wakes the log's followers with
 * it (each store's write-queue.ts). Every write of history rows notes it; one that forgot would only be seen
 * later, at the followers' next poll. A write that tells its changes too (in seq order) spares the followers
 * a read of them, if every write of the transaction does.
 */
export class AppendedChanges<Tx extends object> {
  private readonly byTx = new WeakMap<Tx, Appended>();

  note(tx: Tx, changes?: StatusChange[]): void {
    const now = this.byTx.get(tx);
    if (changes === undefined || now === 'unknown') this.byTx.set(tx, 'unknown');
    else if (now === undefined) this.byTx.set(tx, [...changes]);
    else now.push(...changes);
  }

  /** Part of the transaction was undone (ROLLBACK TO a savepoint): what it told may not be in the log any more. */
  spoil(tx: Tx): void {
    if (this.byTx.has(tx)) this.byTx.set(tx, 'unknown');
  }

  /** What the transaction just ended appended (undefined: nothing); clears it. */
  take(tx: Tx): Appended | undefined {
    const a = this.byTx.get(tx);
    this.byTx.delete(tx);
    return a;
  }
}
