// MessageStore: commit (group-committed through the writer queue), and reads of messages and their history.
import type { MessageStore } from '../../core/index.ts';
import { commitItems } from './commit.ts';
import { loadMessages, loadSummaries } from './loaders.ts';
import type { ReadQueue } from './read-queue.ts';
import type { MessageRow } from './rows.ts';
import type { Param } from './sqlite.ts';
import { recordReport } from './reports.ts';
import { recordStatus } from './status.ts';
import type { WriteQueue } from './write-queue.ts';

const DEFAULT_LIST_LIMIT = 100;

export function messageStore(reads: ReadQueue, writes: WriteQueue): MessageStore {
  return {
    commit: (items, charge) => writes.write((tx) => commitItems(tx, items, charge)),

    get: (id) => reads.read(async (sql) => (await loadMessages(sql, [id]))[0]),

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
        const where = conditions.length ? `WHERE ${conditions.map(([c]) => c).join(' AND ')}` : '';
        const params = [...conditions.map(([, v]) => v), filter.limit ?? DEFAULT_LIST_LIMIT];
        const rows = await sql.all<MessageRow>(`SELECT * FROM messages ${where} ORDER BY received_at DESC, id DESC LIMIT ?`, params);
        return loadSummaries(sql, rows);
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

    recordReport: (report) => writes.write((tx) => recordReport(tx, report)),
  };
}
