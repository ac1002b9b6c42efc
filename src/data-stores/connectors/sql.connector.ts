import type { CollectionSpec, Correction, Subject } from 'src/data-stores/data-store.types';
import { correctionTargets } from 'src/data-stores/rectification/correction-targets';
import { ErasurePlan, ErasurePlanner, stepCounts } from 'src/data-stores/erasure/erasure-planner';
import type { ForeignKey } from 'src/data-stores/erasure/foreign-key';
import type {
  CatalogueTable,
  CollectionErasure,
  CollectionExport,
  CollectionRectification,
  Connector,
  ConnectorTestResult,
  ErasureContext,
  ErasureWithProof,
  RecordBatch,
  RemainingRows,
} from './connector.interface';
import type { SqlDialect } from './sql-dialect';
import { classifyDriverError, StoreError, StoreFailure } from './store-error';
import { SqlStatement, SubjectQueryBuilder } from './subject-query.builder';

/** A transaction on one connection: statements run in order, all commit or none. */
export interface SqlTransaction {
  /** Runs a change and answers the rows it changed. */
  run(statement: SqlStatement): Promise<number>;
  /** Runs a one-row SELECT of counts and answers them in column order. */
  counts(statement: SqlStatement): Promise<number[]>;
  /** The transaction's id, when the store can later say whether it committed. */
  id(): Promise<string | undefined>;
}

/** Driver failures that say the schema the plan was built on has changed. */
const SCHEMA_FAILURES = new Set<StoreFailure>([
  StoreFailure.ForeignKeyViolation,
  StoreFailure.UndefinedColumn,
  StoreFailure.UndefinedTable,
  StoreFailure.DataException,
]);

/**
 * One statement of an erasure, in plan order: a change to the rows of step `first`, or (`counts`)
 * the count of the run of store-done steps starting there, taken while their rows are there.
 */
export interface PlannedStatement {
  statement: SqlStatement;
  first: number;
  counts: boolean;
  /** A count's column of the statement's row for each step of the run. */
  columns?: number[];
}

/** What a planned statement answered: the rows it changed, or its counts in step order. */
export type PlannedAnswer = number | number[];

/** What an erasure's transaction did, and the plan's counts read again after its commit. */
export interface PlannedErasure {
  collections: CollectionErasure[];
  /** The values of the row of the plan's counts (see `stepCounts`). */
  recount: number[];
}

/** The statements an erasure runs, in order. */
export function plannedStatements(plan: ErasurePlan): PlannedStatement[] {
  const planned: PlannedStatement[] = [];
  for (let i = 0; i < plan.steps.length; i++) {
    const storeRun = plan.storeRuns.get(i);
    if (storeRun) {
      planned.push({
        statement: storeRun.counts,
        first: i,
        counts: true,
        columns: storeRun.counts.columns,
      });
      i += storeRun.steps - 1;
      continue;
    }
    for (const statement of plan.steps[i].statements) {
      planned.push({ statement, first: i, counts: false });
    }
  }
  return planned;
}

/** Each step's rows from the answers of its planned statements. */
export function tally(
  plan: ErasurePlan,
  planned: PlannedStatement[],
  answers: PlannedAnswer[],
): CollectionErasure[] {
  const rows = plan.steps.map(() => 0);
  planned.forEach((p, k) => {
    const answer = answers[k];
    if (Array.isArray(answer)) {
      (p.columns ?? answer.map((_, j) => j)).forEach((c, j) => (rows[p.first + j] = answer[c]));
    } else {
      rows[p.first] += answer;
    }
  });
  return plan.steps.map((step, i) => ({
    collection: step.collection,
    action: step.action,
    rows: rows[step.madeBy ?? i],
  }));
}

/** What the SQL stores share: queries built from the description; the driver calls differ. */
export abstract class SqlConnector implements Connector {
  /**
   * Built from the catalogue (column types) and the foreign keys once per connector, which is
   * once per store version, and again after an erasure fails (the schema may have changed).
   */
  private schema?: Promise<{ queries: SubjectQueryBuilder; planner: ErasurePlanner }>;

  protected constructor(
    protected readonly collections: CollectionSpec[],
    protected readonly dialect: SqlDialect,
    /** Key of the `hash` erasure strategy, the same for every run so a hash is stable. */
    private readonly hashKey: string,
  ) {}

  protected abstract ping(): Promise<string>;
  /** The statement's rows in batches; the driver's resources are released when it ends early. */
  protected abstract batches(statement: SqlStatement): AsyncIterable<RecordBatch>;
  protected abstract transaction<T>(
    work: (tx: SqlTransaction) => Promise<T>,
    options?: { readOnly?: boolean },
  ): Promise<T>;
  abstract catalogue(): Promise<CatalogueTable[]>;
  /** A one-row SELECT of counts, outside any transaction: one statement reads one snapshot. */
  protected abstract readCounts(statement: SqlStatement): Promise<number[]>;
  /** The foreign keys between tables of the store's current schema. */
  abstract foreignKeys(): Promise<ForeignKey[]>;
  abstract close(): Promise<void>;
  protected abstract limitSql(sql: string, limit: number): string;

  async test(): Promise<ConnectorTestResult> {
    try {
      return { ok: true, detail: `connected: ${await this.ping()}` };
    } catch (e) {
      return { ok: false, detail: classifyDriverError(e).message };
    }
  }

  async *export(subject: Subject): AsyncIterable<CollectionExport> {
    const { queries } = await this.loadSchema();
    for (const collection of this.collections) {
      yield {
        collection: collection.name,
        records: this.batches(this.rereadOnFailure(() => queries.select(collection.name, subject))),
      };
    }
  }

  async erase(subject: Subject, ctx?: ErasureContext): Promise<CollectionErasure[]> {
    return (await this.eraseWithProof(subject, ctx)).collections;
  }

  /**
   * The erasure and its proof: the same plan's counts, read after the commit, find nothing
   * left on any path to the subject.
   */
  async eraseWithProof(subject: Subject, ctx?: ErasureContext): Promise<ErasureWithProof> {
    const plan = await this.plan(subject);
    try {
      const { collections, recount: values } = await this.runErasure(plan, ctx);
      const recount = stepCounts(plan.counts, values);
      const remaining: RemainingRows = {};
      plan.steps.forEach((step, i) => {
        remaining[step.collection] = (remaining[step.collection] ?? 0) + recount[i];
      });
      return { collections, remaining };
    } catch (e) {
      // A key the plan did not know of, a column gone or of another type: read the schema again.
      if (e instanceof StoreError && e.failure !== undefined && SCHEMA_FAILURES.has(e.failure)) {
        this.schema = undefined;
      }
      throw e;
    }
  }

  /**
   * The plan's statements in one transaction, one round trip each, then its counts (outside
   * it: one statement reads one snapshot, taken after the commit).
   */
  protected async runErasure(plan: ErasurePlan, ctx?: ErasureContext): Promise<PlannedErasure> {
    const collections = await this.transaction(async (tx) => {
      const statements = plannedStatements(plan);
      const answers: PlannedAnswer[] = [];
      for (const planned of statements) {
        answers.push(
          planned.counts ? await tx.counts(planned.statement) : await tx.run(planned.statement),
        );
      }
      const erased = tally(plan, statements, answers);
      if (ctx?.beforeCommit) {
        await ctx.beforeCommit(erased, await tx.id());
      }
      return erased;
    });
    return { collections, recount: await this.readCounts(plan.counts) };
  }

  /** Every step's count, before anything changes, in a read-only transaction. */
  async planErasure(subject: Subject): Promise<CollectionErasure[]> {
    const plan = await this.plan(subject);
    const rows = stepCounts(
      plan.counts,
      await this.transaction((tx) => tx.counts(plan.counts), { readOnly: true }),
    );
    return plan.steps.map((step, i) => ({
      collection: step.collection,
      action: step.action,
      rows: rows[i],
    }));
  }

  private loadSchema(): Promise<{ queries: SubjectQueryBuilder; planner: ErasurePlanner }> {
    if (!this.schema) {
      const described = new Set(this.collections.map((c) => c.name));
      const loading = Promise.all([this.catalogue(), this.foreignKeys()]).then(
        ([catalogue, keys]) => {
          const tables = catalogue.filter((t) => described.has(t.name));
          return {
            queries: new SubjectQueryBuilder(this.collections, this.dialect, tables),
            planner: new ErasurePlanner(this.collections, keys, this.dialect, this.hashKey, tables),
          };
        },
      );
      this.schema = loading;
      loading.catch(() => {
        if (this.schema === loading) {
          this.schema = undefined;
        }
      });
    }
    return this.schema;
  }

  private async plan(subject: Subject): Promise<ErasurePlan> {
    const { planner } = await this.loadSchema();
    const [problem] = planner.structure.problems;
    if (problem) {
      // The schema changed since the description was checked; no retry can fix that.
      throw new StoreError('permanent', 'erasure-blocked', problem.message);
    }
    return this.rereadOnFailure(() => planner.plan(subject));
  }

  /** A described column missing from the catalogue read earlier: read it again next time. */
  private rereadOnFailure<T>(build: () => T): T {
    try {
      return build();
    } catch (e) {
      this.schema = undefined;
      throw e;
    }
  }

  /** One UPDATE per collection that describes a corrected field, in one transaction. */
  async rectify(subject: Subject, corrections: Correction[]): Promise<CollectionRectification[]> {
    const { queries } = await this.loadSchema();
    const statements = this.rereadOnFailure(() =>
      correctionTargets(this.collections, corrections).map((t) =>
        queries.update(t.collection, t.assignments, subject),
      ),
    );
    return this.transaction(async (tx) => {
      const done: CollectionRectification[] = [];
      for (const statement of statements) {
        done.push({
          collection: statement.table as string,
          action: 'updated',
          rows: await tx.run(statement),
        });
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
    for await (const batch of this.batches({ sql, params: [], table: collection })) {
      for (const row of batch) {
        values.push(row.v);
      }
    }
    return values;
  }
}
