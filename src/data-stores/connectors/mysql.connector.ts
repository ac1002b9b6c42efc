import { createPool, Pool, PoolConnection, RowDataPacket, ResultSetHeader } from 'mysql2';
import { Readable } from 'node:stream';
import type { CollectionSpec } from 'src/data-stores/data-store.types';
import type { CatalogueTable } from './connector.interface';
import { groupColumns } from './group-columns';
import { mysqlDialect } from './sql-dialect';
import { SqlConnector, SqlTransaction } from './sql.connector';
import type { SqlStatement } from './subject-query.builder';

/** MySQL and MariaDB through `mysql2`; results are streamed row by row. */
export class MysqlConnector extends SqlConnector {
  private readonly pool: Pool;

  constructor(url: string, collections: CollectionSpec[], hashKey: string) {
    super(collections, mysqlDialect, hashKey);
    this.pool = createPool({
      uri: url,
      connectionLimit: 8,
      connectTimeout: 5000,
      dateStrings: false,
      supportBigNumbers: true,
      bigNumberStrings: true,
    });
  }

  protected async ping(): Promise<string> {
    const [rows] = await this.pool.promise().query<RowDataPacket[]>('SELECT DATABASE() AS v');
    return `database ${String(rows[0].v)}`;
  }

  async catalogue(): Promise<CatalogueTable[]> {
    const [rows] = await this.pool.promise().query<RowDataPacket[]>(
      `SELECT table_name AS table_name, column_name AS column_name
         FROM information_schema.columns
        WHERE table_schema = DATABASE() ORDER BY table_name, ordinal_position`,
    );
    return groupColumns(rows as Array<{ table_name: string; column_name: string }>);
  }

  protected limitSql(sql: string, limit: number): string {
    return `${sql} LIMIT ${Math.max(1, Math.floor(limit))}`;
  }

  protected stream(statement: SqlStatement): Readable {
    const pool = this.pool;
    async function* rows(): AsyncGenerator<Record<string, unknown>> {
      const connection = await new Promise<PoolConnection>((resolve, reject) =>
        pool.getConnection((err, c) => (err ? reject(err) : resolve(c))),
      );
      let complete = false;
      try {
        const source = connection
          .query(statement.sql, statement.params)
          .stream({ highWaterMark: 500 });
        for await (const row of source as AsyncIterable<Record<string, unknown>>) {
          yield row;
        }
        complete = true;
      } finally {
        // A half-read result set leaves the connection unusable; drop it instead of reusing it.
        if (complete) {
          connection.release();
        } else {
          connection.destroy();
        }
      }
    }
    return Readable.from(rows(), { objectMode: true, highWaterMark: 64 });
  }

  protected async transaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    const connection = await this.pool.promise().getConnection();
    try {
      await connection.beginTransaction();
      const result = await work({
        run: async (s) => {
          const [header] = await connection.query<ResultSetHeader>(s.sql, s.params);
          return header.affectedRows;
        },
      });
      await connection.commit();
      connection.release();
      return result;
    } catch (e) {
      await connection.rollback().catch(() => undefined);
      connection.release();
      throw e;
    }
  }

  async close(): Promise<void> {
    await this.pool.promise().end();
  }
}
