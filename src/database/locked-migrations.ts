import { DataSource, DataSourceOptions } from 'typeorm';

/** One lock id for every process of the service migrating the same database. */
const MIGRATION_LOCK = 'privacy-service:migrations';

/**
 * Opens the data source and, with `migrate`, runs pending migrations while holding a
 * session-level advisory lock: processes starting together (the API and its workers) migrate
 * one after the other, and the later ones find nothing left to run. The migrations themselves
 * run in one transaction, so a process killed midway leaves the schema as it was.
 */
export async function initializeWithMigrations(
  options: DataSourceOptions,
  migrate: boolean,
): Promise<DataSource> {
  const dataSource = await new DataSource({ ...options, migrationsRun: false }).initialize();
  if (!migrate) {
    return dataSource;
  }
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [MIGRATION_LOCK]);
    try {
      await dataSource.runMigrations({ transaction: 'all' });
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [MIGRATION_LOCK]);
    }
  } catch (e) {
    await runner.release();
    await dataSource.destroy();
    throw e;
  }
  await runner.release();
  return dataSource;
}
