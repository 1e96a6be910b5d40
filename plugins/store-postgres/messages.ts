// MessageStore: commit (group-committed through the write queue), and reads of messages and their history.
import type pg from 'pg';
import type { Message, MessageStore } from 'nowsms';
import { Coalescer } from '../store-common/coalesce.ts';
import { commitKind } from './commit.ts';
import { all, get, run } from './db.ts';
import { loadMessages, loadSummaries } from './loaders.ts';
import { deleteMessage } from './operator.ts';
import { reportKind } from './reports.ts';
import { MESSAGE_FIELDS, type MessageRow } from './rows.ts';
import { recordStatus } from './status.ts';
import type { UsersCache } from './users.ts';
import type { WriteQueue } from './write-queue.ts';

const DEFAULT_LIST_LIMIT = 100;

export function messageStore(pool: pg.Pool, writes: WriteQueue, users: UsersCache, node: string): MessageStore {
  // Gets issued together (a POP3 login rendering new messages) share one read.
  const byId = new Coalescer<string, Message>(async (ids) => new Map((await loadMessages(pool, ids)).map((m) => [m.id, m])));

  return {
    commit: async (items, charge) => {
      const { credited, committed } = await writes.bulk(commitKind, { items, charge, node });
      if (credited.length > 0) users.invalidate();
      return committed;
    },

    get: (id) => byId.get(id),

    summary: async (id) => {
      const row = await get<MessageRow>(pool, `SELECT ${MESSAGE_FIELDS} FROM messages WHERE id = $1`, [id]);
      return row && (await loadSummaries(pool, [row]))[0];
    },

    list: async (filter = {}) => {
      const conditions: string[] = [];
      const params: unknown[] = [];
      const add = (sql: (n: string) => string, v: unknown) => {
        params.push(v);
        conditions.push(sql(`$${params.length}`));
      };
      if (filter.user !== undefined) add((n) => `user_name = ${n}`, filter.user);
      if (filter.direction !== undefined) add((n) => `direction = ${n}`, filter.direction);
      if (filter.status !== undefined) add((n) => `status = ${n}`, filter.status);
      // The list's own order (received_at DESC, id DESC): everything after the cursor's message.
      if (filter.before !== undefined) add((n) => `(received_at, id) < (SELECT received_at, id FROM messages WHERE id = ${n})`, filter.before);
      const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
      params.push(filter.limit ?? DEFAULT_LIST_LIMIT);
      const rows = await all<MessageRow>(
        pool,
        `SELECT ${MESSAGE_FIELDS} FROM messages ${where} ORDER BY received_at DESC, id DESC LIMIT $${params.length}`,
        params,
      );
      return loadSummaries(pool, rows);
    },

    traffic: async (since) => {
      const at = since.getTime();
      const [sent, received] = await Promise.all([
        all<{ id: string; n: number }>(
          pool,
          "SELECT target_id AS id, count(*) AS n FROM status_history WHERE status = 'sent' AND at >= $1 AND target_kind = 'connection' GROUP BY target_id",
          [at],
        ),
        all<{ id: string | null; n: number }>(pool, "SELECT via AS id, count(*) AS n FROM messages WHERE received_at >= $1 AND direction = 'MO' GROUP BY via", [
          at,
        ]),
      ]);
      return {
        sent: Object.fromEntries(sent.map((r) => [r.id, r.n])),
        received: Object.fromEntries(received.map((r) => [r.id ?? '', r.n])),
      };
    },

    setStatus: (id, status, detail) =>
      writes.write(async (tx) => {
        await recordStatus(tx, id, status, detail);
        // An operator's delete must also stop the message being sent or fetched.
        if (status === 'deleted') {
          await run(tx, 'DELETE FROM queue WHERE message_id = $1', [id]);
          await run(tx, 'DELETE FROM mailbox WHERE message_id = $1', [id]);
        }
      }),

    recordReport: (report) => writes.bulk(reportKind, report),

    delete: (id, detail) => deleteMessage(writes, id, detail),
  };
}
