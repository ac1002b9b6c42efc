import { Pool } from 'pg';
import { Readable } from 'node:stream';
import type { CollectionSpec } from 'src/data-stores/data-store.types';
import type { CatalogueTable } from './connector.interface';
import { groupColumns } from './group-columns';
import { postgresDialect } from './sql-dialect';
import { SqlConnector, SqlTransaction } from './sql.connector';
import type { SqlStatement } from './subject-query.builder';

const FETCH_SIZE = 2000;

/** PostgreSQL through `pg`; large results are read through a server-side cursor. */
export class PostgresConnector extends SqlConnector {
  private readonly pool: Pool;

  constructor(url: string, collections: CollectionSpec[], hashKey: string) {
    super(collections, postgresDialect, hashKey);
    this.pool = new Pool({
      connectionString: url,
      max: 8,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30000,
      application_name: 'privacy-service-connector',
    });
    // An idle client losing its server must not crash the process; the next query reconnects.
    this.pool.on('error', () => undefined);
  }

  protected async ping(): Promise<string> {
    const r = await this.pool.query<{ v: string }>('SELECT current_database() AS v');
    return `database ${r.rows[0].v}`;
  }

  async catalogue(): Promise<CatalogueTable[]> {
    const r = await this.pool.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
    );
    return groupColumns(r.rows);
  }

  protected limitSql(sql: string, limit: number): string {
    return `${sql} LIMIT ${Math.max(1, Math.floor(limit))}`;
  }

  protected stream(statement: SqlStatement): Readable {
    const pool = this.pool;
    async function* rows(): AsyncGenerator<Record<string, unknown>> {
      const client = await pool.connect();
      let committed = false;
      try {
        await client.query('BEGIN READ ONLY');
        await client.query(
          `DECLARE subject_rows NO SCROLL CURSOR FOR ${statement.sql}`,
          statement.params,
        );
        for (;;) {
          const batch = await client.query<Record<string, unknown>>(
            `FETCH ${FETCH_SIZE} FROM subject_rows`,
          );
          for (const row of batch.rows) {
            yield row;
          }
          if (batch.rows.length < FETCH_SIZE) {
            break;
          }
        }
        await client.query('COMMIT');
        committed = true;
      } finally {
        // Also reached when the reader stops early: the cursor's transaction must not leak.
        if (!committed) {
          await client.query('ROLLBACK').catch(() => undefined);
        }
        client.release(!committed);
      }
    }
    return Readable.from(rows(), { objectMode: true, highWaterMark: 64 });
  }

  protected async transaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work({
        run: async (s) => (await client.query(s.sql, s.params)).rowCount ?? 0,
      });
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release(true);
      throw e;
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
