// Multi-row statements: one statement (one trip to SQLite) for the rows of many jobs.
import type { Param, Sql } from './sqlite.ts';

/**
 * Rows per statement. Each row count is its own statement (cached), so this also bounds how many shapes
 * a table has; 100 rows of the widest table (messages, 12 columns) stay far below SQLite's 32766 parameters.
 */
export const ROWS_PER_STATEMENT = 100;

const placeholders = (columns: number) => `(${Array.from({ length: columns }, () => '?').join(', ')})`;

function* chunks<T>(rows: T[]): Generator<T[]> {
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) yield rows.slice(i, i + ROWS_PER_STATEMENT);
}

/** INSERT these rows, in order (rowids follow the order of `rows`). */
export async function insertRows(tx: Sql, table: string, columns: readonly string[], rows: Param[][]): Promise<void> {
  const row = placeholders(columns.length);
  for (const chunk of chunks(rows)) {
    // The first line names the statement in error messages; the rows follow on the next.
    const sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES\n${Array.from({ length: chunk.length }, () => row).join(',')}`;
    await tx.run(sql, chunk.flat());
  }
}

/**
 * UPDATE `table` SET `set` = v.value for the rows whose key columns equal v's, for every row of `rows`
 * (each row: the key values, then the new value). A key given twice gets its last value. Keys are text or numbers.
 */
export async function updateRows(tx: Sql, table: string, keys: readonly string[], set: string, rows: Param[][]): Promise<void> {
  const last = new Map<string, Param[]>();
  for (const r of rows) last.set(JSON.stringify(r.slice(0, keys.length)), r);
  const unique = [...last.values()];
  const row = placeholders(keys.length + 1);
  const match = keys.map((k, i) => `${table}.${k} = v.column${i + 1}`).join(' AND ');
  for (const chunk of chunks(unique)) {
    const sql = `UPDATE ${table} SET ${set} = v.column${keys.length + 1} FROM (VALUES\n${Array.from({ length: chunk.length }, () => row).join(',')}) AS v WHERE ${match}`;
    await tx.run(sql, chunk.flat());
  }
}
