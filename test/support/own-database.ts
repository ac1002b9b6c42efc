import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { withDatabase } from '../setup/services';

/**
 * An empty PostgreSQL database and a Redis prefix of a test's own, for an app whose background
 * timers must not pick up other test files' rows (each app's sweepers act on its whole database).
 * The app migrates it at start (`DB_MIGRATE=true`).
 */
export async function ownDatabase(
  tag: string,
): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  const name = `${tag}_${randomBytes(4).toString('hex')}`;
  const admin = withDatabase(process.env.E2E_DATABASE_URL ?? '', 'postgres');
  const run = async (sql: string): Promise<void> => {
    const c = new Client({ connectionString: admin });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await run(`CREATE DATABASE "${name}"`);
  return {
    env: {
      DATABASE_URL: withDatabase(admin, name),
      DB_MIGRATE: 'true',
      REDIS_PREFIX: `${process.env.REDIS_PREFIX ?? 'e2e'}_${name}`,
    },
    drop: () => run(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}
