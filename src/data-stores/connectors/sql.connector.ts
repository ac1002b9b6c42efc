import type { CollectionSpec, Subject } from 'src/data-stores/data-store.types';
import type {
  CatalogueTable,
  CollectionErasure,
  CollectionExport,
  Connector,
  ConnectorTestResult,
  RecordBatch,
} from './connector.interface';
import type { SqlDialect } from './sql-dialect';
import { SqlStatement, SubjectQueryBuilder } from './subject-query.builder';

/** A transaction on one connection: statements run in order, all commit or none. */
export interface SqlTransaction {
  run(statement: SqlStatement): Promise<number>;
}

/** What the SQL stores share: queries built from the description; the driver calls differ. */
export abstract class SqlConnector implements Connector {
  private readonly queries: SubjectQueryBuilder;

  protected constructor(
    protected readonly collections: CollectionSpec[],
    protected readonly dialect: SqlDialect,
    /** Key of the `hash` erasure strategy, the same for every run so a hash is stable. */
    private readonly hashKey: string,
  ) {
    this.queries = new SubjectQueryBuilder(collections, dialect);
  }

  protected abstract ping(): Promise<string>;
  /** The statement's rows in batches; the driver's resources are released when it ends early. */
  protected abstract batches(statement: SqlStatement): AsyncIterable<RecordBatch>;
  protected abstract transaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T>;
  abstract catalogue(): Promise<CatalogueTable[]>;
  abstract close(): Promise<void>;
  protected abstract limitSql(sql: string, limit: number): string;

  async test(): Promise<ConnectorTestResult> {
    try {
      return { ok: true, detail: `connected: ${await this.ping()}` };
    } catch (e) {
      return { ok: false, detail: describeDriverError(e) };
    }
  }

  async *export(subject: Subject): AsyncIterable<CollectionExport> {
    for (const collection of this.collections) {
      yield {
        collection: collection.name,
        records: this.batches(this.queries.select(collection.name, subject)),
      };
    }
  }

  erase(subject: Subject): Promise<CollectionErasure[]> {
    return this.transaction(async (tx) => {
      const done: CollectionErasure[] = [];
      for (const collection of this.queries.erasureOrder()) {
        const erasure = this.queries.erase(collection, subject, this.hashKey);
        let rows = 0;
        for (const statement of erasure.statements) {
          rows += await tx.run(statement);
        }
        done.push({ collection: collection.name, action: erasure.action, rows });
      }
      return done;
    });
  }

  /** SQL stores keep no opt-out flag of their own; consent holds it. */
  optOut(): Promise<number> {
    return Promise.resolve(0);
  }

  async sample(collection: string, field: string, limit: number): Promise<unknown[]> {
    const column = this.dialect.quote(field);
    const sql = this.limitSql(
      `SELECT ${column} AS v FROM ${this.dialect.quote(collection)} WHERE ${column} IS NOT NULL`,
      limit,
    );
    const values: unknown[] = [];
    for await (const batch of this.batches({ sql, params: [] })) {
      for (const row of batch) {
        values.push(row.v);
      }
    }
    return values;
  }
}

/** Driver errors can echo connection strings; keep only the error code and class. */
export function describeDriverError(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  return `connection failed${typeof code === 'string' ? ` (${code})` : ''}`;
}
