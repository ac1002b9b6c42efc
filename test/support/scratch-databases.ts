import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import { withDatabase } from '../setup/services';
import { mysqlServer } from './shop-fixture';

/** An empty PostgreSQL database and an empty MariaDB database of the same name. */
export interface ScratchDatabases {
  postgresUrl: string;
  mysqlUrl: string;
  drop(): Promise<void>;
}

export async function createScratchDatabases(tag: string): Promise<ScratchDatabases> {
  const db = `scratch_${tag}_${randomBytes(3).toString('hex')}`;
  const pgAdmin = withDatabase(
    process.env.E2E_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1',
    'postgres',
  );
  const admin = new Client({ connectionString: pgAdmin });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${db}"`);
  await admin.end();
  const mysqlRoot = await mysqlServer();
  const my = await createConnection({ uri: mysqlRoot });
  await my.query(`CREATE DATABASE \`${db}\``);
  await my.end();
  return {
    postgresUrl: withDatabase(pgAdmin, db),
    mysqlUrl: withDatabase(mysqlRoot, db),
    drop: async () => {
      const a = new Client({ connectionString: pgAdmin });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
      await a.end();
      const m = await createConnection({ uri: mysqlRoot });
      await m.query(`DROP DATABASE IF EXISTS \`${db}\``);
      await m.end();
    },
  };
}
