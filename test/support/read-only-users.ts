import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';

/** A login that may read every table of a database and change nothing. */
export interface ReadOnlyUser {
  url: string;
  drop(): Promise<void>;
}

/** A PostgreSQL role with SELECT on every table of the database `url` names. */
export async function postgresReadOnlyUser(url: string): Promise<ReadOnlyUser> {
  const role = `shop_ro_${randomBytes(3).toString('hex')}`;
  const password = `ro-${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
  await admin.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
  await admin.query(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${role}`);
  await admin.end();
  const u = new URL(url);
  u.username = role;
  u.password = password;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP OWNED BY ${role}`);
      await c.query(`DROP ROLE ${role}`);
      await c.end();
    },
  };
}

/** A MySQL/MariaDB user with SELECT on the database `url` names. */
export async function mysqlReadOnlyUser(url: string): Promise<ReadOnlyUser> {
  const user = `ro_${randomBytes(3).toString('hex')}`;
  const password = `ro-${randomBytes(6).toString('hex')}`;
  const u = new URL(url);
  const database = u.pathname.slice(1);
  // Both, so neither an anonymous ''@localhost nor host-name resolution picks another account.
  const hosts = ['%', 'localhost'];
  const admin = await createConnection({ uri: url });
  for (const host of hosts) {
    await admin.query(`CREATE USER '${user}'@'${host}' IDENTIFIED BY '${password}'`);
    await admin.query(`GRANT SELECT ON \`${database}\`.* TO '${user}'@'${host}'`);
  }
  await admin.end();
  u.username = user;
  u.password = password;
  return {
    url: u.toString(),
    drop: async () => {
      const c = await createConnection({ uri: url });
      for (const host of hosts) {
        await c.query(`DROP USER IF EXISTS '${user}'@'${host}'`);
      }
      await c.end();
    },
  };
}
