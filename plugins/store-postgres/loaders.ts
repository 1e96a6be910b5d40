// Loads whole messages and summaries for many ids at once: the ids travel as one array parameter, so a
// lease of 100 entries costs two statements, not two hundred.
import type { Message, MessageSummary, Part, PartSummary, StatusEvent } from 'nowsms';
import { all, type Sql } from './db.ts';
import {
  historyFromRow,
  MESSAGE_FIELDS,
  messageFromRow,
  partFromRow,
  partSummaryFromRow,
  summaryFromRow,
  type HistoryRow,
  type MessageRow,
  type PartRow,
  type PartSizeRow,
} from './rows.ts';

function group<R extends { message_id: string }, T>(rows: R[], map: (r: R) => T): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const list = out.get(r.message_id);
    if (list) list.push(map(r));
    else out.set(r.message_id, [map(r)]);
  }
  return out;
}

/** Messages in the order of `ids`; ids not in the store are left out. */
export async function loadMessages(sql: Sql, ids: string[]): Promise<Message[]> {
  if (ids.length === 0) return [];
  const [rows, partRows] = await Promise.all([
    all<MessageRow>(sql, `SELECT ${MESSAGE_FIELDS} FROM messages WHERE id = ANY($1::text[])`, [ids]),
    all<PartRow>(sql, 'SELECT message_id, content_type, name, content_id, data FROM parts WHERE message_id = ANY($1::text[]) ORDER BY message_id, idx', [ids]),
  ]);
  const parts = group<PartRow, Part>(partRows, partFromRow);
  const byId = new Map(rows.map((r) => [r.id, messageFromRow(r, parts.get(r.id) ?? [])]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** Summaries (history oldest first, the parts' types and sizes) for these rows, in their order. */
export async function loadSummaries(sql: Sql, rows: MessageRow[]): Promise<MessageSummary[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [historyRows, partRows] = await Promise.all([
    all<HistoryRow>(sql, 'SELECT message_id, at, status, detail FROM status_history WHERE message_id = ANY($1::text[]) ORDER BY message_id, id', [ids]),
    all<PartSizeRow>(
      sql,
      'SELECT message_id, content_type, name, content_id, octet_length(data) AS size FROM parts WHERE message_id = ANY($1::text[]) ORDER BY message_id, idx',
      [ids],
    ),
  ]);
  const history = group<HistoryRow, StatusEvent>(historyRows, historyFromRow);
  const parts = group<PartSizeRow, PartSummary>(partRows, partSummaryFromRow);
  return rows.map((r) => summaryFromRow(r, history.get(r.id) ?? [], parts.get(r.id) ?? []));
}
