/**
 * Identity matching benchmark (npm run bench:identity): a 1,000,000-row table with an indexed
 * e-mail column and an integer id, in PostgreSQL (text and citext) and in MariaDB (the server's
 * default collation and utf8mb4_unicode_ci). Each case times the erasure dry run of one subject
 * (`planErasure`: the plan's count of the rows the identity match selects, in a read-only
 * transaction) for 400 random subjects, a quarter of them stored in mixed case.
 * Target: p99 under 50 ms per case. Prints a table and writes bench/results/identity-match.json.
 */
import { randomBytes, randomInt } from 'node:crypto';
import * as path from 'node:path';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import { MysqlConnector } from 'src/data-stores/connectors/mysql.connector';
import { PostgresConnector } from 'src/data-stores/connectors/postgres.connector';
import type { SqlConnector } from 'src/data-stores/connectors/sql.connector';
import type { CollectionSpec, Subject } from 'src/data-stores/data-store.types';
import { BenchReport } from './lib/bench-report';
import { Stats } from './lib/stats';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const SAMPLES = 400;
const TARGET_P99_MS = 50;
const PG_ADMIN = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const MYSQL_ROOT = process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const RESULTS = path.resolve(__dirname, 'results/identity-match.json');

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

/** Row i's address; every fourth is stored with upper-case letters, as users typed it. */
const emailOf = (i: number) => `person${i}@example${i % 97}.com`;

interface Case {
  id: string;
  name: string;
  engine: 'postgres' | 'mysql';
  table: string;
  identity: 'email' | 'subject_id';
}

const CASES: Case[] = [
  {
    id: '1',
    name: 'PostgreSQL text e-mail',
    engine: 'postgres',
    table: 'people',
    identity: 'email',
  },
  {
    id: '2',
    name: 'PostgreSQL citext e-mail',
    engine: 'postgres',
    table: 'people_ci',
    identity: 'email',
  },
  {
    id: '3',
    name: 'PostgreSQL integer id',
    engine: 'postgres',
    table: 'people',
    identity: 'subject_id',
  },
  {
    id: '4',
    name: 'MariaDB default-collation e-mail',
    engine: 'mysql',
    table: 'people',
    identity: 'email',
  },
  {
    id: '5',
    name: 'MariaDB unicode_ci e-mail',
    engine: 'mysql',
    table: 'people_ci',
    identity: 'email',
  },
  { id: '6', name: 'MariaDB integer id', engine: 'mysql', table: 'people', identity: 'subject_id' },
];

async function main(): Promise<void> {
  const db = `bench_identity_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${db}"`);
  await admin.end();
  const root = await createConnection({ uri: MYSQL_ROOT });
  await root.query(`CREATE DATABASE \`${db}\``);
  await root.end();
  const pgUrl = withDatabase(PG_ADMIN, db);
  const myUrl = withDatabase(MYSQL_ROOT, db);
  const report = new BenchReport('identity-match');
  try {
    const started = Date.now();
    const pg = new Client({ connectionString: pgUrl });
    await pg.connect();
    await pg.query('CREATE EXTENSION citext');
    for (const [table, type] of [
      ['people', 'text'],
      ['people_ci', 'citext'],
    ]) {
      await pg.query(`CREATE TABLE ${table} (id integer PRIMARY KEY, email ${type} NOT NULL)`);
      await pg.query(
        `INSERT INTO ${table} SELECT i, CASE WHEN i % 4 = 0 THEN upper('person' || i) ELSE 'person' || i END || '@example' || (i % 97) || '.com'
           FROM generate_series(1, $1) i`,
        [ROWS],
      );
      await pg.query(`CREATE INDEX ${table}_email_idx ON ${table} (email)`);
      await pg.query(`ANALYZE ${table}`);
    }
    await pg.end();
    const my = await createConnection({ uri: myUrl });
    for (const [table, collation] of [
      ['people', ''],
      ['people_ci', 'COLLATE utf8mb4_unicode_ci'],
    ]) {
      await my.query(
        `CREATE TABLE ${table} (id INT PRIMARY KEY, email VARCHAR(200) ${collation} NOT NULL)`,
      );
      await my.query(
        `INSERT INTO ${table} SELECT seq, CONCAT(IF(seq % 4 = 0, UPPER(CONCAT('person', seq)), CONCAT('person', seq)), '@example', seq % 97, '.com')
           FROM seq_1_to_${ROWS}`,
      );
      await my.query(`CREATE INDEX ${table}_email_idx ON ${table} (email)`);
      await my.query(`ANALYZE TABLE ${table}`);
    }
    await my.end();
    console.log(`seeded ${ROWS} rows per table in ${Math.round((Date.now() - started) / 1000)} s`);

    for (const c of CASES) {
      const collections: CollectionSpec[] = [
        {
          name: c.table,
          identity: { field: c.identity === 'email' ? 'email' : 'id', type: c.identity },
          fields: [],
        },
      ];
      const connector: SqlConnector =
        c.engine === 'postgres'
          ? new PostgresConnector(pgUrl, collections, 'k')
          : new MysqlConnector(myUrl, collections, 'k');
      const samples: number[] = [];
      let found = 0;
      for (let s = 0; s < SAMPLES + 20; s++) {
        const i = randomInt(1, ROWS + 1);
        const subject: Subject =
          c.identity === 'email' ? { email: emailOf(i) } : { subjectId: String(i) };
        const t0 = process.hrtime.bigint();
        // The erasure dry run: the plan's count, in a read-only transaction on a pooled connection.
        const steps = await connector.planErasure(subject);
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        if (s >= 20) {
          samples.push(ms);
          found += steps.reduce((n, step) => n + step.rows, 0);
        }
      }
      await connector.close();
      const summary = Stats.summary(samples);
      report.add({
        id: c.id,
        name: c.name,
        value: summary.p99,
        unit: 'ms p99',
        note: `p50 ${summary.p50.toFixed(2)} ms; ${found}/${SAMPLES} subjects found${summary.p99 < TARGET_P99_MS ? '' : '; OVER TARGET'}`,
        extra: { p50: summary.p50, mean: summary.mean, max: summary.max, found },
      });
    }
  } finally {
    const a = new Client({ connectionString: PG_ADMIN });
    await a.connect();
    await a.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
    await a.end();
    const m = await createConnection({ uri: MYSQL_ROOT });
    await m.query(`DROP DATABASE IF EXISTS \`${db}\``);
    await m.end();
  }
  console.log(report.table());
  report.writeJson(RESULTS, { rows: ROWS, samples: SAMPLES, targetP99Ms: TARGET_P99_MS });
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
