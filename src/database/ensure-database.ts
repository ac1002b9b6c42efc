import { Client } from 'pg';

/** Same lock id in every process that may create the database: the API and the workers. */
const CREATE_LOCK = 'privacy-service:create-database';

/**
 * Creates the database named in the URL when it does not exist yet (needs CREATEDB on the
 * server). The API and a worker started together on a fresh server both find it missing: they
 * take turns under an advisory lock, and a create that still loses a race (an older release, or
 * another tool, creating it at the same moment) counts as done.
 */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!name) {
    return;
  }
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [CREATE_LOCK]);
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client
        .query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`)
        .catch((e: { code?: string }) => {
          if (!createdByAnother(e)) {
            throw e;
          }
        });
    }
  } finally {
    // Ending the session releases the lock too.
    await client.end();
  }
}

/**
 * 42P04 duplicate_database; 23505 is the same race caught one step later, on the catalogue's
 * unique index (pg_database_datname_index), when both creates passed the existence check.
 */
function createdByAnother(e: { code?: string }): boolean {
  return e.code === '42P04' || e.code === '23505';
}
