// The connection pool and the few ways statements are run. Statements are named (prepared once per
// connection, then only bound and executed); int8 columns (epoch milliseconds, counts, seqs) come back as
// numbers, not the strings pg gives by default: every one of them stays far below 2^53.
import pg from 'pg';
import { storeError } from './errors.ts';

/** A pool or one of its clients: where a statement runs. */
export interface Sql {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(config: pg.QueryConfig): Promise<pg.QueryResult<R>>;
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string): Promise<pg.QueryResult<R>>;
}

const INT8 = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

export interface PoolOptions {
  url: string;
  ssl?: pg.PoolConfig['ssl'];
  poolSize: number;
  connectTimeoutMs: number;
}

/** What a connection is for: its planner settings (see clientConfig). */
export type Use = 'read' | 'write';

/** The settings of every connection this store opens (pools, listener, migration). */
export function clientConfig(o: PoolOptions, use: Use = 'read'): pg.ClientConfig {
  return {
    connectionString: o.url,
    ...(o.ssl !== undefined ? { ssl: o.ssl } : {}),
    connectionTimeoutMillis: o.connectTimeoutMs,
    types,
    // A commit is acknowledged once it is on the server's disk, whatever the server's default. A node cut
    // off in the middle of a transaction (a network partition) loses its session after a minute, which
    // frees the write lock for the others; a write waiting longer than 30 s for a lock fails, temporarily
    // (SQLSTATE 55P03), instead of holding its sender forever.
    options: `-c synchronous_commit=on -c idle_in_transaction_session_timeout=60000 -c lock_timeout=30000 ${PLANS[use]}`,
    application_name: 'nowsms',
    keepAlive: true,
  };
}

/**
 * Statements are named (prepared once per connection). The server would soon swap a read's plan for a
 * generic one, costed once for the tables as they were then: a queue or messages table nearly empty at that
 * moment would go on being scanned whole when it holds millions of rows. So a read is planned at every
 * execution, for the tables as they are (up to a few tenths of a millisecond).
 *
 * A write finds every row it touches by a key (a group's ids, a user's name): the one plan that is right for
 * it at any size is an index lookup, joined by nested loops. Write connections allow no other (no whole-table
 * or bitmap scan, no hash or merge join, where an index serves) and plan each statement once per connection;
 * that planning was about a quarter of the database's work per message. JIT off: a disabled scan kept where
 * no index serves (releaseLeases) costs past the JIT threshold, and compiling would cost more than running.
 */
const PLANS: Record<Use, string> = {
  read: '-c plan_cache_mode=force_custom_plan',
  write: '-c plan_cache_mode=force_generic_plan -c enable_seqscan=off -c enable_bitmapscan=off -c enable_hashjoin=off -c enable_mergejoin=off -c jit=off',
};

export function openPool(o: PoolOptions, use: Use = 'read', max = o.poolSize): pg.Pool {
  const pool = new pg.Pool({ ...clientConfig(o, use), max });
  // An idle client whose connection dies (the server restarted) is dropped by the pool; without a listener
  // the error would end the process. The next checkout opens a new connection.
  pool.on('error', () => undefined);
  return pool;
}

const names = new Map<string, string>();

/** A named statement: prepared on first use on each connection. */
function statement(text: string, values: unknown[]): pg.QueryConfig {
  let name = names.get(text);
  if (name === undefined) names.set(text, (name = `nowsms_${names.size + 1}`));
  return { name, text, values };
}

/**
 * Runs a statement; a failure is a NowsmsError, temporary when trying again may work (the server is
 * restarting, a connection was cut), so a read fails as a write does and callers answer 451 or 0x14.
 */
async function query<R extends pg.QueryResultRow>(sql: Sql, text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
  try {
    return await sql.query<R>(statement(text, storable(values)));
  } catch (e) {
    throw storeError('PostgreSQL', e, text);
  }
}

/**
 * PostgreSQL's text cannot hold NUL, and a peer's error text or a program's output may carry one: such a
 * string is kept with U+FFFD in its place rather than failing the write that records it. (Core refuses a
 * NUL in what a message is addressed or titled by, so only diagnostics meet this.)
 */
function storable(values: unknown[]): unknown[] {
  return values.some(hasNul) ? values.map(withoutNul) : values;
}

const hasNul = (v: unknown): boolean => (typeof v === 'string' ? v.includes('\0') : Array.isArray(v) && v.some(hasNul));
const withoutNul = (v: unknown): unknown => (typeof v === 'string' ? v.replaceAll('\0', '\uFFFD') : Array.isArray(v) ? v.map(withoutNul) : v);

export async function all<R extends pg.QueryResultRow>(sql: Sql, text: string, values: unknown[] = []): Promise<R[]> {
  return (await query<R>(sql, text, values)).rows;
}

export async function get<R extends pg.QueryResultRow>(sql: Sql, text: string, values: unknown[] = []): Promise<R | undefined> {
  return (await query<R>(sql, text, values)).rows[0];
}

/** The number of rows the statement changed. */
export async function run(sql: Sql, text: string, values: unknown[] = []): Promise<number> {
  return (await query(sql, text, values)).rowCount ?? 0;
}

const guarded = new WeakSet<pg.PoolClient>();

/**
 * The pool listens for errors of idle clients only. A connection that fails while a batch holds its client
 * (the server shutting down between two statements) would emit an error nobody listens to, which ends the
 * process; the failure reaches the batch through its next statement instead.
 */
export function guard(client: pg.PoolClient): void {
  if (guarded.has(client)) return;
  guarded.add(client);
  client.on('error', () => undefined);
}

/** host:port/database of a connection URL, for messages: never the user or the password. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    const host = u.hostname || u.searchParams.get('host') || 'localhost';
    return `${host}:${u.port || '5432'}${u.pathname && u.pathname !== '/' ? u.pathname : ''}`;
  } catch {
    return 'the database (unparsable URL)';
  }
}
