import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import { startContainer } from '../setup/containers';
import { withDatabase } from '../setup/services';

/** The MariaDB (or MySQL) server of the tests: MYSQL_URL, the local one, else a container. */
export async function mysqlServer(): Promise<string> {
  const url = process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
  try {
    const c = await createConnection({ uri: url, connectTimeout: 2000 });
    await c.end();
    return url;
  } catch {
    const c = await startContainer(
      'mariadb:11',
      3306,
      { MARIADB_ALLOW_EMPTY_ROOT_PASSWORD: '1' },
      /ready for connections.*\n.*ready for connections/s,
    );
    return `mysql://root@${c.getHost()}:${c.getMappedPort(3306)}`;
  }
}

/** An empty PostgreSQL database and an empty MariaDB database of the same name. */
export interface ScratchDatabases {
  postgresUrl: string;
  mysqlUrl: string;
  drop(): Promise<void>;
}

/** `<prefix>_<tag>_<random>` on both servers (MariaDB in utf8mb4), dropped together. */
export async function createScratchDatabases(
  tag: string,
  prefix = 'scratch',
): Promise<ScratchDatabases> {
  const db = `${prefix}_${tag}_${randomBytes(3).toString('hex')}`;
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
  await my.query(`CREATE DATABASE \`${db}\` CHARACTER SET utf8mb4`);
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

/** Open connections to both databases of a scratch pair, for seeding them alike. */
export interface ScratchSeeder {
  pg: Client;
  my: Awaited<ReturnType<typeof createConnection>>;
  /** Runs each statement on both. */
  ddl(statements: string[]): Promise<void>;
  /** One multi-row INSERT of `rows` into `table` on both. */
  insert(table: string, columns: string, rows: unknown[][]): Promise<void>;
}

/** Seeds both databases through one `ScratchSeeder`, closed afterwards. */
export async function seedScratch(
  dbs: ScratchDatabases,
  work: (seeder: ScratchSeeder) => Promise<void>,
): Promise<void> {
  const pg = new Client({ connectionString: dbs.postgresUrl });
  await pg.connect();
  const my = await createConnection({ uri: dbs.mysqlUrl });
  try {
    await work({
      pg,
      my,
      ddl: async (statements) => {
        for (const statement of statements) {
          await pg.query(statement);
          await my.query(statement);
        }
      },
      insert: async (table, columns, rows) => {
        if (rows.length === 0) {
          return;
        }
        const width = rows[0].length;
        const values = rows
          .map(
            (_, r) =>
              `(${Array.from({ length: width }, (__, c) => `$${r * width + c + 1}`).join(',')})`,
          )
          .join(',');
        await pg.query(`INSERT INTO ${table} (${columns}) VALUES ${values}`, rows.flat());
        await my.query(`INSERT INTO ${table} (${columns}) VALUES ?`, [rows]);
      },
    });
  } finally {
    await pg.end();
    await my.end();
  }
}
