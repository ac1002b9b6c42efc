import { Pool, PoolClient, Query } from 'pg';
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
  CommitStatus,
  ErasureContext,
  RecordBatch,
} from './connector.interface';
import { CatalogueRow, groupColumns } from './group-columns';
import { PipelinedResult, PostgresPipelineQuery } from './postgres-pipeline.query';
import { postgresDialect } from './sql-dialect';
import {
  PlannedErasure,
  plannedStatements,
  SqlConnector,
  SqlTransaction,
  tally,
} from './sql.connector';
import { classifyDriverError, failedOn } from './store-error';
import type { SqlStatement } from './subject-query.builder';

const FETCH_SIZE = 2000;

/** Foreign keys between tables of the current schema, one row per column in key order. */
const FOREIGN_KEYS_SQL = `
  SELECT c.conname AS constraint_name, cl.relname AS table_name, a.attname AS column_name,
         rcl.relname AS ref_table, ra.attname AS ref_column, NOT a.attnotnull AS is_nullable,
         c.confdeltype AS delete_rule, c.confupdtype AS update_rule
    FROM pg_constraint c
    JOIN pg_class cl ON cl.oid = c.conrelid
    JOIN pg_class rcl ON rcl.oid = c.confrelid
    CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(col, ref_col, ord)
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.col
    JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = k.ref_col
   WHERE c.contype = 'f'
     AND cl.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
     AND rcl.relnamespace = cl.relnamespace
   ORDER BY cl.relname, c.conname, k.ord`;

/**
 * One FETCH of the cursor, its rows collected from `row` events. Rows that pg accumulates in its
 * own result object outlive young-generation collections and fill the old generation (about
 * 70 MB promoted per 300,000 rows against 1 MB this way), which is what a large export's memory
 * was made of.
 */
function fetchBatch(client: PoolClient): Promise<RecordBatch> {
  return new Promise((resolve, reject) => {
    const rows: RecordBatch = [];
    const query = client.query(new Query(`FETCH ${FETCH_SIZE} FROM subject_rows`));
    query.on('row', (row: Record<string, unknown>) => rows.push(row));
    query.on('end', () => resolve(rows));
    query.on('error', reject);
  });
}

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
    const r = await this.pool.query<CatalogueRow>(
      `SELECT table_name, column_name,
              CASE WHEN data_type = 'USER-DEFINED' THEN udt_name ELSE data_type END AS data_type,
              is_nullable, character_maximum_length AS max_length
         FROM information_schema.columns
        WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
    );
    return groupColumns(r.rows);
  }

  async foreignKeys(): Promise<ForeignKey[]> {
    return groupForeignKeys((await this.pool.query<ForeignKeyColumnRow>(FOREIGN_KEYS_SQL)).rows);
  }

  protected async readCounts(statement: SqlStatement): Promise<number[]> {
    const r = await this.pool
      .query<Record<string, string>>(statement.sql, statement.params)
      .catch(failedOn(statement.table));
    return Object.values(r.rows[0]).map(Number);
  }

  protected limitSql(sql: string, limit: number): string {
    return `${sql} LIMIT ${Math.max(1, Math.floor(limit))}`;
  }

  protected async *batches(statement: SqlStatement): AsyncGenerator<RecordBatch> {
    const client = await this.pool.connect().catch(failedOn(statement.table));
    let committed = false;
    try {
      await client.query('BEGIN READ ONLY');
      await client.query(
        `DECLARE subject_rows NO SCROLL CURSOR FOR ${statement.sql}`,
        statement.params,
      );
      for (;;) {
        const batch = await fetchBatch(client);
        if (batch.length > 0) {
          yield batch;
        }
        if (batch.length < FETCH_SIZE) {
          break;
        }
      }
      await client.query('COMMIT');
      committed = true;
    } catch (e) {
      throw classifyDriverError(e, statement.table);
    } finally {
      // Also reached when the reader stops early: the cursor's transaction must not leak.
      if (!committed) {
        await client.query('ROLLBACK').catch(() => undefined);
      }
      client.release(!committed);
    }
  }

  /**
   * The whole transaction in one round trip: BEGIN, the plan's statements, COMMIT and the plan's
   * counts read again after it, pipelined with their values bound as parameters. With a record
   * to make before the commit, the first pipeline ends with the transaction's id instead, and
   * COMMIT and the counts follow in a second once it is made. The server stops at a failing
   * statement; the count of those that finished before it says which one that was, so the
   * failure names its table as it would statement by statement.
   */
  protected override async runErasure(
    plan: ErasurePlan,
    ctx?: ErasureContext,
  ): Promise<PlannedErasure> {
    const planned = plannedStatements(plan);
    const closing: SqlStatement[] = [{ sql: 'COMMIT', params: [] }, plan.counts];
    const opening: SqlStatement[] = [
      { sql: 'BEGIN', params: [] },
      ...planned.map((p) => p.statement),
      // The id with its epoch (txid_current), so it never names a wrapped-around transaction.
      ...(ctx?.beforeCommit ? [{ sql: 'SELECT txid_current()::text AS id', params: [] }] : closing),
    ];
    const client = await this.pool.connect().catch(failedOn());
    let running = opening;
    let pipeline: PostgresPipelineQuery | undefined;
    const send = (statements: SqlStatement[]) =>
      new Promise<PipelinedResult[]>((resolve, reject) => {
        running = statements;
        pipeline = new PostgresPipelineQuery(statements, (error, answered) =>
          error ? reject(error) : resolve(answered),
        );
        client.query(pipeline);
      });
    const counts = (result: PipelinedResult) => Object.values(result.rows[0]).map(Number);
    let collections: CollectionErasure[];
    let recount: number[];
    try {
      const opened = await send(opening);
      collections = tally(
        plan,
        planned,
        planned.map((p, k) => (p.counts ? counts(opened[k + 1]) : (opened[k + 1].rowCount ?? 0))),
      );
      let closed = opened;
      if (ctx?.beforeCommit) {
        await ctx.beforeCommit(collections, String(opened[opened.length - 1].rows[0].id));
        closed = await send(closing);
      }
      recount = counts(closed[closed.length - 1]);
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release(true);
      throw classifyDriverError(e, running[pipeline?.completed ?? 0]?.table);
    }
    client.release();
    return { collections, recount };
  }

  protected async transaction<T>(
    work: (tx: SqlTransaction) => Promise<T>,
    options: { readOnly?: boolean } = {},
  ): Promise<T> {
    const client = await this.pool.connect().catch(failedOn());
    try {
      await client.query(options.readOnly ? 'BEGIN READ ONLY' : 'BEGIN');
      const result = await work({
        run: async (s) =>
          (await client.query(s.sql, s.params).catch(failedOn(s.table))).rowCount ?? 0,
        counts: async (s) =>
          Object.values(
            (await client.query<Record<string, string>>(s.sql, s.params).catch(failedOn(s.table)))
              .rows[0],
          ).map(Number),
        // The id with its epoch (txid_current), so it never names a wrapped-around transaction.
        id: async () =>
          (
            await client
              .query<{ id: string }>('SELECT txid_current()::text AS id')
              .catch(failedOn())
          ).rows[0].id,
      });
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release(true);
      throw classifyDriverError(e);
    }
  }

  /** PostgreSQL keeps every transaction's fate (txid_status, PostgreSQL 10 and later). */
  async commitStatus(commit: string): Promise<CommitStatus> {
    const r = await this.pool
      .query<{ s: 'committed' | 'aborted' | 'in progress' | null }>(
        'SELECT txid_status($1::bigint) AS s',
        [commit],
      )
      .catch(failedOn());
    switch (r.rows[0].s) {
      case 'committed':
        return 'committed';
      case 'aborted':
        return 'aborted';
      case 'in progress':
        return 'in-progress';
      case null:
        // Too old to be known any more.
        return 'unknown';
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
