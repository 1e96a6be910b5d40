// Multi-row statements: the rows of a whole group commit go as one array parameter per column, taken apart
// by unnest() on the server, so a batch of messages costs one statement per table whatever its size.
import { all, run, type Sql } from './db.ts';
import { zipHistory } from './events.ts';

/** A column and its PostgreSQL type (the array parameter is cast to `type[]`). */
export type Column = readonly [name: string, type: string];

/** Rows as columns: one array per column. */
function columnsOf(columns: readonly Column[], rows: unknown[][]): unknown[][] {
  return columns.map((_, i) => rows.map((r) => r[i] ?? null));
}

/** The INSERT of `rows` into `table`, its array parameters numbered from `first`; `join` adds a FROM item. */
function insertSql(table: string, columns: readonly Column[], first: number, join = ''): string {
  const names = columns.map(([n]) => n).join(', ');
  const arrays = columns.map(([, t], i) => `$${first + i}::${t}[]`).join(', ');
  return `INSERT INTO ${table} (${names}) SELECT ${names} FROM unnest(${arrays}) WITH ORDINALITY AS u(${names}, ord)${join} ORDER BY ord`;
}

/** INSERT these rows in their order (identity columns follow it). */
export async function insertRows(tx: Sql, table: string, columns: readonly Column[], rows: unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  await run(tx, insertSql(table, columns, 1), columnsOf(columns, rows));
}

/**
 * Ids of identity rows as a RETURNING gives them (int8 as text, in no set order), ascending: the order the
 * rows were inserted in, when their INSERT drew them in its ORDER BY.
 */
export const idsInOrder = (rows: Array<{ id: string | number }>): number[] => rows.map((r) => Number(r.id)).sort((a, b) => a - b);

export interface Insert {
  table: string;
  columns: readonly Column[];
  rows: unknown[][];
}

/**
 * Several INSERTs as one statement (one round trip), each a data-modifying WITH query. Foreign keys are
 * checked at the end of the statement, so a child table's rows may point at a parent's inserted beside them.
 */
export async function insertAll(tx: Sql, inserts: Insert[]): Promise<void>;
/** With `idsOf`, a table with an identity column `id`: the ids its rows got, in the rows' order. */
export async function insertAll(tx: Sql, inserts: Insert[], idsOf: string): Promise<number[]>;
export async function insertAll(tx: Sql, inserts: Insert[], idsOf?: string): Promise<number[] | void> {
  const present = inserts.filter((i) => i.rows.length > 0);
  if (present.length === 0) return idsOf === undefined ? undefined : [];
  const params: unknown[] = [];
  const parts = present.map((i, n) => {
    const sql = `i${n} AS (${insertSql(i.table, i.columns, params.length + 1)}${i.table === idsOf ? ' RETURNING id' : ''})`;
    params.push(...columnsOf(i.columns, i.rows));
    return sql;
  });
  const withIds = present.findIndex((i) => i.table === idsOf);
  const rows = await all<{ id: string }>(tx, `WITH ${parts.join(',\n')}\nSELECT ${withIds >= 0 ? `id FROM i${withIds}` : '1'}`, params);
  return idsOf === undefined ? undefined : withIds >= 0 ? idsInOrder(rows) : [];
}

/**
 * UPDATE `table` SET `set` = the new value for the rows whose key columns match, for every row of `rows`
 * (each row: the key values, then the new value). A key given twice gets its last value.
 */
export async function updateRows(tx: Sql, table: string, keys: readonly Column[], set: Column, rows: unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const last = new Map<string, unknown[]>();
  for (const r of rows) last.set(JSON.stringify(r.slice(0, keys.length)), r);
  const all = [...keys, set];
  const names = all.map(([n]) => `c_${n}`).join(', ');
  const arrays = all.map(([, t], i) => `$${i + 1}::${t}[]`).join(', ');
  const match = keys.map(([k]) => `${table}.${k} = v.c_${k}`).join(' AND ');
  await run(tx, `UPDATE ${table} SET ${set[0]} = v.c_${set[0]} FROM unnest(${arrays}) AS v(${names}) WHERE ${match}`, columnsOf(all, [...last.values()]));
}

/**
 * Several INSERTs as WITH queries of a statement that takes the write lock (write-queue.ts, Fragment): each
 * draws its rows through the lock's query `l`, so no identity value is drawn before the lock is held. With
 * `log`, the table of the event log among them, and what each of its rows' changes says of its message
 * (direction, via, user_name: one array each, in the rows' order): the query of its changes (changesJson).
 */
export function insertFragment(
  inserts: Insert[],
  at: { param: number; name: string },
  log?: { history: string; about: [direction: unknown[], via: unknown[], user: unknown[]] },
): { ctes: string[]; values: unknown[]; log?: string } {
  const values: unknown[] = [];
  let changes: string | undefined;
  const ctes = inserts
    .filter((i) => i.rows.length > 0)
    .map((i, n) => {
      const name = `${at.name}i${n}`;
      const first = at.param + values.length;
      const appends = i.table === log?.history;
      const sql = `${name} AS (${insertSql(i.table, i.columns, first, ' CROSS JOIN l')}${appends ? ' RETURNING id' : ''})`;
      values.push(...columnsOf(i.columns, i.rows));
      if (appends) {
        const column = (c: string) => {
          const k = i.columns.findIndex(([n]) => n === c);
          return `$${first + k}::${i.columns[k]![1]}[]`;
        };
        const about = at.param + values.length;
        values.push(...log.about);
        changes = zipHistory(name, {
          message_id: column('message_id'),
          status: column('status'),
          detail: column('detail'),
          at: column('at'),
          target_kind: column('target_kind'),
          target_id: column('target_id'),
          direction: `$${about}::text[]`,
          via: `$${about + 1}::text[]`,
          user_name: `$${about + 2}::text[]`,
        });
      }
      return sql;
    });
  return { ctes, values, ...(changes ? { log: changes } : {}) };
}
