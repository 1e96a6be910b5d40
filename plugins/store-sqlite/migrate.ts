// Brings a database up to the schema this code knows, one step per transaction, and refuses a newer one.
import { NowsmsError } from 'nowsms';
import { MIGRATIONS, type Migration } from './schema.ts';
import { beginImmediate } from './connection.ts';
import type { Db } from './sqlite.ts';

export async function migrate(db: Db, busyTimeoutMs: number, migrations: readonly Migration[] = MIGRATIONS): Promise<void> {
  const known = migrations.length;
  await db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  for (;;) {
    // Read inside the write lock: a CLI and a gateway starting together must not both run the same step.
    await beginImmediate(db, busyTimeoutMs);
    try {
      const row = await db.get<{ version: number }>('SELECT version FROM schema_version');
      const version = row?.version ?? 0;
      if (version > known) {
        throw new NowsmsError(
          'NOWSMS_ERR_STORE',
          `store ${db.file} has schema version ${version}, but this nowsms knows version ${known} at most: ` +
            `upgrade nowsms, or point dataDir at another directory`,
        );
      }
      if (version === known) {
        await db.run('COMMIT');
        return;
      }
      const step = migrations[version]!;
      try {
        await db.exec(step.sql);
      } catch (e) {
        throw new NowsmsError(
          'NOWSMS_ERR_STORE',
          `store ${db.file}: migration to version ${version + 1} (${step.description}) failed: ${(e as Error).message}`,
          { cause: e },
        );
      }
      if (row) await db.run('UPDATE schema_version SET version = ?', [version + 1]);
      else await db.run('INSERT INTO schema_version (version) VALUES (?)', [version + 1]);
      await db.run('COMMIT');
    } catch (e) {
      await db.run('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }
}
