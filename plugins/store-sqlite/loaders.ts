// Loads whole messages and summaries for many ids at once: ids travel as one JSON parameter, so a
// lease of 100 entries costs three statements, not three hundred.
import type { Message, MessageSummary, Part, PartSummary, StatusEvent } from 'nowsms';
import {
  historyFromRow,
  messageFromRow,
  partFromRow,
  partSummaryFromRow,
  summaryFromRow,
  type HistoryRow,
  type MessageRow,
  type PartRow,
  type PartSizeRow,
} from './rows.ts';
import type { Sql } from './sqlite.ts';

const IDS = 'SELECT value FROM json_each(?)';

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
  const json = JSON.stringify(ids);
  const rows = await sql.all<MessageRow>(`SELECT * FROM messages WHERE id IN (${IDS})`, [json]);
  const parts = group<PartRow, Part>(await sql.all<PartRow>(`SELECT * FROM parts WHERE message_id IN (${IDS}) ORDER BY message_id, idx`, [json]), partFromRow);
  const byId = new Map(rows.map((r) => [r.id, messageFromRow(r, parts.get(r.id) ?? [])]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** Summaries (with history, oldest event first, and the parts' types and sizes) for these rows, in their order. */
export async function loadSummaries(sql: Sql, rows: MessageRow[]): Promise<MessageSummary[]> {
  if (rows.length === 0) return [];
  const ids = JSON.stringify(rows.map((r) => r.id));
  const history = group<HistoryRow, StatusEvent>(
    await sql.all<HistoryRow>(`SELECT * FROM status_history WHERE message_id IN (${IDS}) ORDER BY message_id, id`, [ids]),
    historyFromRow,
  );
  const parts = group<PartSizeRow, PartSummary>(
    await sql.all<PartSizeRow>(
      `SELECT message_id, content_type, name, content_id, length(data) AS size FROM parts WHERE message_id IN (${IDS}) ORDER BY message_id, idx`,
      [ids],
    ),
    partSummaryFromRow,
  );
  return rows.map((r) => summaryFromRow(r, history.get(r.id) ?? [], parts.get(r.id) ?? []));
}
