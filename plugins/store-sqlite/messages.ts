// MessageStore: commit (group-committed through the writer queue), and reads of messages and their history.
import type { Message, MessageStore } from 'nowsms';
import { Coalescer } from '../store-common/coalesce.ts';
import { commitKind } from './commit.ts';
import { loadMessages, loadSummaries } from './loaders.ts';
import type { ReadQueue } from './read-queue.ts';
import { deleteMessage } from './operator.ts';
import type { MessageRow } from './rows.ts';
import type { Param } from './sqlite.ts';
import { reportKind } from './reports.ts';
import { recordStatus } from './status.ts';
import type { UsersCache } from './users.ts';
import type { WriteQueue } from './write-queue.ts';

const DEFAULT_LIST_LIMIT = 100;

export function messageStore(reads: ReadQueue, writes: WriteQueue, users: UsersCache): MessageStore {
  // Gets issued together (a POP3 login rendering new messages) share one read: two statements for all of them.
  const byId = new Coalescer<string, Message>((ids) => reads.read(async (sql) => new Map((await loadMessages(sql, ids)).map((m) => [m.id, m]))));

  return {
    commit: async (items, charge) => {
      const { credited, committed } = await writes.bulk(commitKind, { items, charge });
      // The balance the users cache holds is no longer right.
      if (credited.length > 0) users.invalidate();
      return committed;
    },

    get: (id) => byId.get(id),

    summary: (id) =>
      reads.read(async (sql) => {
        const row = await sql.get<MessageRow>('SELECT * FROM messages WHERE id = ?', [id]);
        return row && (await loadSummaries(sql, [row]))[0];
      }),

    list: (filter = {}) =>
      reads.read(async (sql) => {
        const conditions: [string, Param][] = [];
        if (filter.user !== undefined) conditions.push(['user_name = ?', filter.user]);
        if (filter.direction !== undefined) conditions.push(['direction = ?', filter.direction]);
        if (filter.status !== undefined) conditions.push(['status = ?', filter.status]);
        // The list's own order (received_at DESC, id DESC): everything after the cursor's message.
        if (filter.before !== undefined) conditions.push(['(received_at, id) < (SELECT received_at, id FROM messages WHERE id = ?)', filter.before]);
        const where = conditions.length ? `WHERE ${conditions.map(([c]) => c).join(' AND ')}` : '';
        const params = [...conditions.map(([, v]) => v), filter.limit ?? DEFAULT_LIST_LIMIT];
        const rows = await sql.all<MessageRow>(`SELECT * FROM messages ${where} ORDER BY received_at DESC, id DESC LIMIT ?`, params);
        return loadSummaries(sql, rows);
      }),

    traffic: (since) =>
      reads.read(async (sql) => {
        const at = since.getTime();
        const sent = await sql.all<{ id: string; n: number }>(
          "SELECT target_id AS id, count(*) AS n FROM status_history WHERE status = 'sent' AND at >= ? AND target_kind = 'connection' GROUP BY target_id",
          [at],
        );
        const received = await sql.all<{ id: string | null; n: number }>(
          "SELECT via AS id, count(*) AS n FROM messages WHERE received_at >= ? AND direction = 'MO' GROUP BY via",
          [at],
        );
        return {
          sent: Object.fromEntries(sent.map((r) => [r.id, r.n])),
          received: Object.fromEntries(received.map((r) => [r.id ?? '', r.n])),
        };
      }),

    setStatus: (id, status, detail) =>
      writes.write(async (tx) => {
        await recordStatus(tx, id, status, detail);
        // An operator's delete must also stop the message being sent or fetched.
        if (status === 'deleted') {
          await tx.run('DELETE FROM queue WHERE message_id = ?', [id]);
          await tx.run('DELETE FROM mailbox WHERE message_id = ?', [id]);
        }
      }),

    recordReport: (report) => writes.bulk(reportKind, report),

    delete: (id, detail) => deleteMessage(writes, id, detail),
  };
}
