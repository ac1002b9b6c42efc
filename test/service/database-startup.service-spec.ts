import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { migrations } from '../../migrations';
import { ensureDatabase } from 'src/database/ensure-database';
import { initializeWithMigrations } from 'src/database/locked-migrations';
import { typeormOptions } from 'src/database/typeorm-options';
import { withDatabase } from '../setup/services';

const serverUrl = (): string => withDatabase(process.env.DATABASE_URL ?? '', 'postgres');

async function onServer<T>(work: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: serverUrl() });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

/** Processes started together on a fresh server: the API and its workers. */
describe('database start-up', () => {
  const name = `startup_${randomBytes(4).toString('hex')}`;
  afterAll(() => onServer((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)));

  it('several processes creating the same missing database all start', async () => {
    const url = withDatabase(serverUrl(), name);
    await expect(
      Promise.all(Array.from({ length: 4 }, () => ensureDatabase(url))),
    ).resolves.toHaveLength(4);
    const { rowCount } = await onServer((c) =>
      c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]),
    );
    expect(rowCount).toBe(1);
  });

  it('several processes migrating the same database together run each migration once', async () => {
    const options = typeormOptions(withDatabase(serverUrl(), name), true);
    const started = await Promise.all(
      Array.from({ length: 3 }, () => initializeWithMigrations(options, true)),
    );
    try {
      const ran = await started[0].query<Array<{ name: string }>>(
        'SELECT name FROM schema_migrations ORDER BY id',
      );
      expect(ran).toHaveLength(migrations.length);
      expect(new Set(ran.map((r) => r.name)).size).toBe(migrations.length);
    } finally {
      await Promise.all(started.map((ds) => ds.destroy()));
    }
  });
});
