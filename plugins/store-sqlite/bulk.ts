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

/**
 * Up to this many bytes of BLOBs in one JSON-carried statement (hex doubles them). Rows with more (an
 * e-mail attachment, an MMS picture) are bound as parameters instead.
 */
const JSON_BLOB_BYTES = 16 * 1024;

/** What JSON cannot carry as it is: a BLOB goes as hex (unhex() in the SQL), a bigint as text. */
function jsonable(rows: Param[][]): { blobColumns: Set<number>; blobBytes: number; bigints: boolean } {
  const blobColumns = new Set<number>();
  let blobBytes = 0;
  let bigints = false;
  for (const r of rows)
    r.forEach((v, i) => {
      if (Buffer.isBuffer(v)) {
        blobColumns.add(i);
        blobBytes += v.length;
      } else if (typeof v === 'bigint') bigints = true;
    });
  return { blobColumns, blobBytes, bigints };
}

/**
 * INSERT these rows, in order (rowids follow the order of `rows`); the rowid of the last one (0: no rows).
 * A table with an INTEGER PRIMARY KEY gets consecutive rowids here: the writer alone inserts. The rows travel as one JSON text
 * parameter that SQLite takes apart on its own thread (json_each): binding each value as a parameter
 * costs the event loop about three times as much, and that cost was most of what a commit took there.
 */
export async function insertRows(
  tx: Sql,
  table: string,
  columns: readonly string[],
  rows: Param[][],
  verb: 'INSERT' | 'INSERT OR REPLACE' = 'INSERT',
): Promise<number> {
  if (rows.length === 0) return 0;
  const { blobColumns, blobBytes, bigints } = jsonable(rows);
  if (blobBytes > JSON_BLOB_BYTES) return insertBound(tx, table, columns, rows, verb);
  const values = columns.map((_, i) => (blobColumns.has(i) ? `unhex(value->>${i})` : `value->>${i}`));
  // The first line names the statement in error messages.
  const sql = `${verb} INTO ${table} (${columns.join(', ')})\nSELECT ${values.join(', ')} FROM json_each(?) ORDER BY key`;
  const plain =
    blobColumns.size === 0 && !bigints
      ? rows
      : rows.map((r) => r.map((v) => (Buffer.isBuffer(v) ? v.toString('hex') : typeof v === 'bigint' ? v.toString() : v)));
  // JSON has no undefined: in an array it becomes null, which is what the schema means.
  return (await tx.run(sql, [JSON.stringify(plain)])).lastID;
}

/** The same with every value bound as a parameter, a multi-row statement per 100 rows. */
async function insertBound(tx: Sql, table: string, columns: readonly string[], rows: Param[][], verb: string): Promise<number> {
  const row = placeholders(columns.length);
  let lastId = 0;
  for (const chunk of chunks(rows)) {
    const sql = `${verb} INTO ${table} (${columns.join(', ')}) VALUES\n${Array.from({ length: chunk.length }, () => row).join(',')}`;
    lastId = (await tx.run(sql, chunk.flat())).lastID;
  }
  return lastId;
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
