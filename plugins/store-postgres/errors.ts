// PostgreSQL and network errors as NowsmsErrors. What may succeed when tried again (the database
// restarting, a connection cut, too many clients, a deadlock or a serialization failure) is temporary, so
// SMTP answers 451 and SMPP 0x14/0x58 and the sender tries again later; what will not (a constraint, bad
// SQL) is permanent. Messages name the server (host and port), never the credentials.
import { NowsmsError, isNowsmsError } from 'nowsms';

// SQLSTATE classes and codes worth another try: connection exceptions, insufficient resources, operator
// intervention (shutdown, crash, cannot connect now), serialization failure and deadlock, lock not available.
const TEMPORARY_CLASSES = new Set(['08', '53', '57', '58']);
const TEMPORARY_CODES = new Set(['40001', '40P01', '55P03', '55006']);
// Node's socket errors and the ones pg raises without a code when the connection goes.
const TEMPORARY_NET = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);

export function isTemporary(err: unknown): boolean {
  const e = err as Error & { code?: unknown };
  const code = typeof e?.code === 'string' ? e.code : undefined;
  if (code && /^[0-9A-Z]{5}$/.test(code)) return TEMPORARY_CLASSES.has(code.slice(0, 2)) || TEMPORARY_CODES.has(code);
  if (code && TEMPORARY_NET.has(code)) return true;
  // pg's own: "Connection terminated unexpectedly", "... due to connection timeout", "Client has encountered a
  // connection error and is not queryable", "timeout exceeded when trying to connect".
  return /connection|terminated|timeout|not queryable/i.test(e?.message ?? '');
}

/** An error of the database `where` (host:port/db) as a NowsmsError; a NowsmsError passes through. */
export function storeError(where: string, err: unknown, sql?: string): NowsmsError {
  if (isNowsmsError(err)) return err;
  const e = err as Error & { code?: string };
  const what = sql ? ` (while running: ${sql.trim().split('\n')[0]})` : '';
  return new NowsmsError('NOWSMS_ERR_STORE', `store ${where}: ${e?.message ?? String(err)}${what}`, { temporary: isTemporary(err), cause: err });
}
