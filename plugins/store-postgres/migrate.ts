// Brings a database up to the schema this code knows, and refuses a newer one. Every pending step runs in
// one transaction under a transaction-level advisory lock: two nodes starting together migrate once (the
// second waits for the lock, then finds the schema up to date).
import type pg from 'pg';
import { NowsmsError } from 'nowsms';
import { MIGRATIONS, type Migration } from './schema.ts';

/** The migration lock's key (pg_advisory_xact_lock): "nows" in ASCII, then 2 (the write lock is 1). */
const MIGRATE_LOCK = '1852798835, 2';

export async function migrate(client: pg.ClientBase, where: string, migrations: readonly Migration[] = MIGRATIONS): Promise<void> {
  const known = migrations.length;
  await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${MIGRATE_LOCK})`);
  try {
    await client.query('CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)');
    const row = (await client.query<{ version: number }>('SELECT version FROM schema_version')).rows[0];
    const version = row?.version ?? 0;
    if (version > known) {
      throw new NowsmsError(
        'NOWSMS_ERR_STORE',
        `store ${where} has schema version ${version}, but this nowsms knows version ${known} at most: upgrade nowsms on every node, or point it at another database`,
      );
    }
    for (let v = version; v < known; v++) {
      const step = migrations[v]!;
      try {
        await client.query(step.sql);
      } catch (e) {
        throw new NowsmsError('NOWSMS_ERR_STORE', `store ${where}: migration to version ${v + 1} (${step.description}) failed: ${(e as Error).message}`, {
          cause: e,
        });
      }
    }
    if (version < known) {
      if (row) await client.query('UPDATE schema_version SET version = $1', [known]);
      else await client.query('INSERT INTO schema_version (version) VALUES ($1)', [known]);
    }
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}
