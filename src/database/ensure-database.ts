import { Client } from 'pg';

/** Creates the database named in the URL when it does not exist yet (needs CREATEDB on the server). */
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
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client
        .query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`)
        .catch((e: { code?: string }) => {
          // Another instance created it between the check and the create.
          if (e.code !== '42P04') {
            throw e;
          }
        });
    }
  } finally {
    await client.end();
  }
}
