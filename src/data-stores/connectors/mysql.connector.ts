import { createPool, Pool, PoolConnection, RowDataPacket, ResultSetHeader } from 'mysql2';
import type { CollectionSpec } from 'src/data-stores/data-store.types';
import {
  ForeignKey,
  ForeignKeyColumnRow,
  groupForeignKeys,
} from 'src/data-stores/erasure/foreign-key';
import type { ErasurePlan } from 'src/data-stores/erasure/erasure-planner';
import type {
  CatalogueTable,
  CollectionErasure,
  ErasureContext,
  RecordBatch,
} from './connector.interface';
import { CatalogueRow, groupColumns } from './group-columns';
import { clearing, MysqlScript } from './mysql-script';
import { mysqlDialect } from './sql-dialect';
import {
  PlannedErasure,
  plannedStatements,
  SqlConnector,
  SqlTransaction,
  tally,
} from './sql.connector';
import { classifyDriverError, failedOn } from './store-error';
import type { SqlStatement } from './subject-query.builder';

const BATCH_SIZE = 500;
/** Full batches read ahead of the reader before the connection is paused. */
const READ_AHEAD = 2;

/** Foreign keys between tables of the current database, one row per column in key order. */
const FOREIGN_KEYS_SQL = `
  SELECT k.constraint_name AS constraint_name, k.table_name AS table_name,
         k.column_name AS column_name, k.referenced_table_name AS ref_table,
         k.referenced_column_name AS ref_column, c.is_nullable = 'YES' AS is_nullable,
         r.delete_rule AS delete_rule, r.update_rule AS update_rule
    FROM information_schema.key_column_usage k
    JOIN information_schema.referential_constraints r
      ON r.constraint_schema = k.constraint_schema AND r.constraint_name = k.constraint_name
     AND r.table_name = k.table_name
    JOIN information_schema.columns c
      ON c.table_schema = k.table_schema AND c.table_name = k.table_name
     AND c.column_name = k.column_name
   WHERE k.table_schema = DATABASE() AND k.referenced_table_schema = DATABASE()
   ORDER BY k.table_name, k.constraint_name, k.ordinal_position`;

/** MySQL and MariaDB through `mysql2`; results are read in batches with the connection paused between. */
export class MysqlConnector extends SqlConnector {
  private readonly pool: Pool;

  /** Connections that take a script of statements: the erasure's only, opened on first use. */
  private scriptPool?: Pool;

  constructor(
    private readonly url: string,
    collections: CollectionSpec[],
    hashKey: string,
  ) {
    super(collections, mysqlDialect, hashKey);
    this.pool = this.openPool(false);
  }

  private openPool(multipleStatements: boolean): Pool {
    const pool = createPool({
      uri: this.url,
      connectionLimit: 8,
      connectTimeout: 5000,
      dateStrings: false,
      supportBigNumbers: true,
      bigNumberStrings: true,
      multipleStatements,
    });
    // Erasure finds the subject by scanning its identity column; under REPEATABLE READ the scan
    // keeps every row it read locked until commit, and concurrent erasures of different subjects
    // deadlock on each other. READ COMMITTED keeps only the rows that matched. Set once per
    // connection (queued before any other query on it); single-statement reads do not notice.
    pool.on('connection', (connection) => {
      connection.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED', (err) => {
        if (err) {
          connection.destroy();
        }
      });
    });
    return pool;
  }

  /**
   * The whole transaction in one round trip: its statements sent as one script (see
   * MysqlScript: each prepared once per connection, its values escaped by the driver), then
   * COMMIT and the plan's counts read again after it. With a record to make before the commit,
   * the statements go first and the COMMIT and counts in a second script once it is made. A
   * script stops at a failing statement, and the failure names that statement's table as it
   * would statement by statement.
   */
  protected override async runErasure(
    plan: ErasurePlan,
    ctx?: ErasureContext,
  ): Promise<PlannedErasure> {
    this.scriptPool ??= this.openPool(true);
    const pool = this.scriptPool;
    const connection = await new Promise<PoolConnection>((resolve, reject) =>
      pool.getConnection((err, c) => (err ? reject(err) : resolve(c))),
    ).catch(failedOn());
    const planned = plannedStatements(plan);
    const closing: SqlStatement[] = [{ sql: 'COMMIT', params: [] }, plan.counts];
    const opening: SqlStatement[] = [
      { sql: 'START TRANSACTION', params: [] },
      ...planned.map((p) => p.statement),
      ...(ctx?.beforeCommit ? [] : closing),
    ];
    const variables = new Map<unknown, string>();
    let running = opening;
    let script = new MysqlScript(connection, opening, variables, !ctx?.beforeCommit);
    let collections: CollectionErasure[];
    try {
      await script.run();
      collections = tally(
        plan,
        planned,
        planned.map((p, k) => script.answer(k + 1, p.counts)),
      );
      if (ctx?.beforeCommit) {
        // MariaDB cannot tell later whether a transaction committed: no id to give.
        await ctx.beforeCommit(collections, undefined);
        running = closing;
        script = new MysqlScript(connection, closing, variables, true);
        await script.run();
      }
    } catch (e) {
      // Rolled back, or dropped when that fails too (the server then rolls back).
      await new Promise<void>((resolve) =>
        connection.query(
          variables.size > 0 ? `ROLLBACK;\n${clearing(variables)}` : 'ROLLBACK',
          (err) => {
            if (err) {
              connection.destroy();
            } else {
              connection.release();
            }
            resolve();
          },
        ),
      );
      throw classifyDriverError(e, script.failed?.table);
    }
    connection.release();
    return { collections, recount: script.answer(running.length - 1, true) as number[] };
  }

  protected async ping(): Promise<string> {
    const [rows] = await this.pool.promise().query<RowDataPacket[]>('SELECT DATABASE() AS v');
    return `database ${String(rows[0].v)}`;
  }

  async catalogue(): Promise<CatalogueTable[]> {
    const [rows] = await this.pool.promise().query<RowDataPacket[]>(
      `SELECT table_name AS table_name, column_name AS column_name,
              CONCAT(data_type, IF(column_type LIKE '%unsigned%', ' unsigned', '')) AS data_type,
              is_nullable AS is_nullable, character_maximum_length AS max_length,
              character_set_name AS character_set
         FROM information_schema.columns
        WHERE table_schema = DATABASE() ORDER BY table_name, ordinal_position`,
    );
    return groupColumns(rows as CatalogueRow[]);
  }

  async foreignKeys(): Promise<ForeignKey[]> {
    const [rows] = await this.pool.promise().query<RowDataPacket[]>(FOREIGN_KEYS_SQL);
    return groupForeignKeys(
      (rows as Array<Omit<ForeignKeyColumnRow, 'is_nullable'> & { is_nullable: number }>).map(
        (r) => ({
          ...r,
          is_nullable: Number(r.is_nullable) === 1,
        }),
      ),
    );
  }

  protected async readCounts(statement: SqlStatement): Promise<number[]> {
    const [rows] = await this.pool
      .promise()
      .query<RowDataPacket[]>(statement.sql, statement.params)
      .catch(failedOn(statement.table));
    return Object.values(rows[0] as Record<string, unknown>).map(Number);
  }

  protected limitSql(sql: string, limit: number): string {
    return `${sql} LIMIT ${Math.max(1, Math.floor(limit))}`;
  }

  protected async *batches(statement: SqlStatement): AsyncGenerator<RecordBatch> {
    const connection = await new Promise<PoolConnection>((resolve, reject) =>
      this.pool.getConnection((err, c) => (err ? reject(err) : resolve(c))),
    ).catch(failedOn(statement.table));
    let complete = false;
    try {
      const reader = new BatchReader(connection, statement);
      for (let batch = await reader.next(); batch !== null; batch = await reader.next()) {
        yield batch;
      }
      complete = true;
    } catch (e) {
      throw classifyDriverError(e, statement.table);
    } finally {
      // A half-read result set leaves the connection unusable; drop it instead of reusing it.
      if (complete) {
        connection.release();
      } else {
        connection.destroy();
      }
    }
  }

  protected async transaction<T>(
    work: (tx: SqlTransaction) => Promise<T>,
    options: { readOnly?: boolean } = {},
  ): Promise<T> {
    const connection = await this.pool.promise().getConnection().catch(failedOn());
    try {
      await connection.query(
        options.readOnly ? 'START TRANSACTION READ ONLY' : 'START TRANSACTION',
      );
      const result = await work({
        run: async (s) => {
          const [header] = await connection
            .query<ResultSetHeader>(s.sql, s.params)
            .catch(failedOn(s.table));
          return header.affectedRows;
        },
        counts: async (s) => {
          const [rows] = await connection
            .query<RowDataPacket[]>(s.sql, s.params)
            .catch(failedOn(s.table));
          return Object.values(rows[0] as Record<string, unknown>).map(Number);
        },
        id: () => Promise.resolve(undefined),
      });
      await connection.commit();
      connection.release();
      return result;
    } catch (e) {
      await connection.rollback().catch(() => undefined);
      connection.release();
      throw classifyDriverError(e);
    }
  }

  async close(): Promise<void> {
    await this.pool.promise().end();
    await this.scriptPool?.promise().end();
  }
}

/**
 * Reads a result set batch by batch: rows are collected from the driver's `result` events, and
 * the connection is paused while READ_AHEAD full batches wait for their reader, so memory holds a
 * few batches while the reader's own awaits (writing a part file) overlap with the next rows
 * arriving. Iterating the driver's object stream instead costs a promise and a stream read per
 * row.
 */
class BatchReader {
  private filling: RecordBatch = [];
  private readonly full: RecordBatch[] = [];
  private ended = false;
  private paused = false;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly connection: PoolConnection,
    statement: SqlStatement,
  ) {
    connection
      .query(statement.sql, statement.params)
      .on('result', (row) => {
        this.filling.push(row as Record<string, unknown>);
        if (this.filling.length >= BATCH_SIZE) {
          this.full.push(this.filling);
          this.filling = [];
          if (this.full.length >= READ_AHEAD && !this.paused) {
            this.paused = true;
            connection.pause();
          }
          this.notify();
        }
      })
      .on('error', (e) => {
        this.failure = e;
        this.notify();
      })
      .on('end', () => {
        this.ended = true;
        this.notify();
      });
  }

  /** The next batch, or null once every row was handed over. */
  async next(): Promise<RecordBatch | null> {
    for (;;) {
      if (this.failure) {
        throw this.failure;
      }
      const batch = this.full.shift();
      if (batch) {
        this.resume();
        return batch;
      }
      if (this.ended) {
        const rest = this.filling;
        this.filling = [];
        return rest.length > 0 ? rest : null;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.resume();
      });
    }
  }

  /** Reading goes on once there is room; the driver may hand over queued rows right away. */
  private resume(): void {
    if (this.paused && this.full.length < READ_AHEAD) {
      this.paused = false;
      this.connection.resume();
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
