import type { CollectionSpec, Subject } from 'src/data-stores/data-store.types';
import type { CatalogueTable } from 'src/data-stores/connectors/connector.interface';
import type { SqlDialect } from 'src/data-stores/connectors/sql-dialect';
import type { SqlStatement } from 'src/data-stores/connectors/subject-query.builder';
import {
  ErasureStructure,
  erasureStructure,
  StructureStep,
  tableOf,
  UpdateStrategies,
} from './erasure-structure';
import type { ForeignKey } from './foreign-key';
import {
  Hop,
  IdentitySlot,
  SubjectPath,
  SubjectReach,
  SubjectReacher,
  SubjectShape,
} from './subject-reach';

/** Plans kept by subject shape; a store's subjects come in a few shapes, so this is never reached. */
const MAX_SHAPES = 100;

export type PlanAction = 'deleted' | 'updated' | 'unlinked' | 'cascaded' | 'nulled';

export interface PlanStep {
  collection: string;
  action: PlanAction;
  /** What the erasure runs, in order; empty when the store does the step itself (cascade). */
  statements: SqlStatement[];
  /** `SELECT count(*) AS n`: the rows the step reaches now; `counts` and `storeRuns` join these. */
  count: SqlStatement;
  /**
   * An unlink made by the statement of the earlier step at this index (an update of the same
   * rows, which sets this step's key too): this step has no statements of its own, and its rows
   * are that statement's.
   */
  madeBy?: number;
}

/**
 * Counts of several steps in one statement (`SELECT (count) AS n0, (count) AS n1, ...`): steps
 * whose counts are the same text share one, and `columns` holds each step's column of the row.
 */
export interface CountsStatement extends SqlStatement {
  columns: number[];
}

/** Each step's count, in step order, from the values of a counts statement's row. */
export function stepCounts(statement: CountsStatement, values: number[]): number[] {
  return statement.columns.map((c) => values[c]);
}

export interface ErasurePlan {
  steps: PlanStep[];
  /** Every step's count in one statement: the dry run and the after-check read it at once. */
  counts: CountsStatement;
  /**
   * Each run of consecutive steps the store does itself (no statements), keyed by its first
   * step: the erasure counts the run's rows in one statement while they are there.
   */
  storeRuns: Map<number, { steps: number; counts: CountsStatement }>;
}

/**
 * Turns a checked description and the store's foreign keys into the erasure of one subject: an
 * ordered list of steps, each with its statements and a count of the rows it reaches. The only
 * producer of erasure SQL: the erasure, its dry run and its after-check all run these plans.
 * Identifiers come only from the checked description and the store's catalogue.
 */
export class ErasurePlanner {
  readonly structure: ErasureStructure;
  /** Renders identity matches with IdentitySlots: a plan is built once per subject shape. */
  private readonly reacher: SubjectReacher;
  private readonly shapes = new Map<string, ErasurePlan>();

  constructor(
    collections: CollectionSpec[],
    foreignKeys: ForeignKey[],
    private readonly dialect: SqlDialect,
    /** Key of the `hash` strategy, the same for every run so a hash is stable. */
    private readonly hashKey: string,
    /** The described tables with their column types, which identity matching needs. */
    catalogue: CatalogueTable[],
  ) {
    this.structure = erasureStructure(collections, foreignKeys);
    this.reacher = new SubjectReacher(collections, dialect, catalogue, true);
  }

  /**
   * The subject's plan: the plan of its shape (built on first use; its statements' text depends
   * on the shape alone) with the subject's values bound.
   */
  plan(subject: Subject): ErasurePlan {
    const shape = this.reacher.shapeOf(subject);
    let slotted = this.shapes.get(shape.key);
    if (!slotted) {
      slotted = this.build(subject);
      if (this.shapes.size >= MAX_SHAPES) {
        this.shapes.clear();
      }
      this.shapes.set(shape.key, slotted);
    }
    return bound(slotted, shape);
  }

  private build(subject: Subject): ErasurePlan {
    const steps = this.structure.steps.map((step) => this.render(step, subject));
    this.mergeUnlinks(steps, subject);
    const storeRuns: ErasurePlan['storeRuns'] = new Map();
    for (let first = 0; first < steps.length; first++) {
      let end = first;
      while (
        end < steps.length &&
        steps[end].statements.length === 0 &&
        steps[end].madeBy === undefined
      ) {
        end++;
      }
      if (end > first) {
        const run = Array.from({ length: end - first }, (_, k) => first + k);
        storeRuns.set(first, { steps: run.length, counts: this.countsOf(run, subject) });
        first = end;
      }
    }
    return {
      steps,
      counts: this.countsOf(
        steps.map((_, i) => i),
        subject,
      ),
      storeRuns,
    };
  }

  /**
   * A kept row that is also unlinked (its table is updated through the same reference the
   * unlink follows) is changed by one UPDATE setting both its fields and its key: the unlink's
   * statement joins the update's, where the two reach the same rows (the same condition, which
   * the update's own changes leave as it was) and no step between them reads or changes what the
   * unlink reads or changes, so running it earlier changes nothing else.
   */
  private mergeUnlinks(steps: PlanStep[], subject: Subject): void {
    const structure = this.structure.steps;
    const merged = new Set<number>();
    structure.forEach((unlink, j) => {
      if (unlink.kind !== 'unlink' || steps[j].statements.length !== 1) {
        return;
      }
      const reach = this.reachOf(unlink, subject);
      const where = reach && this.whereOf(reach);
      const access = reach && { reads: readsOf(reach, unlink.fk.table), writes: writesOf(unlink) };
      if (!reach || !access) {
        return;
      }
      for (let i = j - 1; i >= 0; i--) {
        const own = structure[i];
        if (
          own.kind === 'own' &&
          own.strategies !== 'delete' &&
          own.collection.name === unlink.fk.table &&
          !merged.has(i) &&
          steps[i].statements.length === 1
        ) {
          const ownReach = this.reachOf(own, subject);
          if (ownReach && this.whereOf(ownReach) === where && !touches(writesOf(own), access)) {
            const nulls: UpdateStrategies = unlink.fk.columns.map((c) => [c, 'null']);
            steps[i].statements = this.updateStatements(
              own.collection.name,
              [...own.strategies, ...nulls],
              ownReach,
            );
            steps[j].statements = [];
            steps[j].madeBy = i;
            merged.add(i);
          }
          return;
        }
        // A step between them that the unlink's order matters to keeps it where it is.
        if (conflicts(this.accessOf(own, subject), access)) {
          return;
        }
      }
    });
  }

  /** A reach's condition with its parameters, as text: equal texts pick the same rows. */
  private whereOf(reach: SubjectReach): string {
    const params: unknown[] = [];
    const sql = this.reacher.render(reach, params);
    return `${sql}\n${JSON.stringify(params)}`;
  }

  /** The columns a step's statements read (its condition) and change. */
  private accessOf(step: StructureStep, subject: Subject): Access {
    const reach = this.reachOf(step, subject);
    return { reads: reach ? readsOf(reach, tableOf(step)) : new Set(), writes: writesOf(step) };
  }

  /**
   * The counts of the steps at `indexes` in one statement, parameters numbered across them; a
   * count of the same text as an earlier one (an update and the unlink of the same rows) is
   * read once.
   */
  private countsOf(indexes: number[], subject: Subject): CountsStatement {
    const params: unknown[] = [];
    const steps = indexes.map((i) => this.structure.steps[i]);
    const counts: string[] = [];
    const byText = new Map<string, number>();
    const columns = steps.map((step, k) => {
      const reach = this.reachOf(step, subject);
      const own: unknown[] = [];
      const text = `${this.countSql(tableOf(step), reach, own)}\n${JSON.stringify(own)}`;
      let column = byText.get(text);
      if (column === undefined) {
        column =
          counts.push(
            `(${this.countSql(tableOf(step), reach, params)}) AS ${this.dialect.quote(`n${indexes[k]}`)}`,
          ) - 1;
        byText.set(text, column);
      }
      return column;
    });
    return {
      sql: `SELECT ${counts.join(', ')}`,
      params,
      table: [...new Set(steps.map(tableOf))].join(', '),
      columns,
    };
  }

  /** The rows a step changes: an own step's by the description, the others' through their key. */
  private reachOf(step: StructureStep, subject: Subject): SubjectReach | undefined {
    if (step.kind === 'own') {
      return this.reacher.reach(step.collection.name, subject);
    }
    const parent = this.deletedReach(step.fk.refTable, subject, new Set());
    return parent ? { parents: [{ hop: hopOf(step.fk), reach: parent }] } : undefined;
  }

  private render(step: StructureStep, subject: Subject): PlanStep {
    const table = tableOf(step);
    const reach = this.reachOf(step, subject);
    if (step.kind === 'own') {
      return {
        collection: table,
        action: step.strategies === 'delete' ? 'deleted' : 'updated',
        statements: this.ownStatements(table, step.strategies, reach),
        count: this.count(table, reach),
      };
    }
    const count = this.count(table, reach);
    if (step.kind === 'store') {
      return { collection: table, action: step.action, statements: [], count };
    }
    const nulls: UpdateStrategies = step.fk.columns.map((c) => [c, 'null']);
    return {
      collection: table,
      action: 'unlinked',
      statements: reach ? this.updateStatements(table, nulls, reach) : [],
      count,
    };
  }

  /**
   * How the subject's rows of a table the erasure deletes are found: a described table by its
   * description, a table the store empties by cascade through the key that cascades.
   */
  private deletedReach(
    table: string,
    subject: Subject,
    visiting: Set<string>,
  ): SubjectReach | undefined {
    const cascades = this.structure.cascadedBy.get(table);
    if (!cascades) {
      return this.reacher.reach(table, subject);
    }
    if (visiting.has(table)) {
      return undefined;
    }
    visiting.add(table);
    const parents = cascades.flatMap((fk) => {
      const reach = this.deletedReach(fk.refTable, subject, visiting);
      return reach ? [{ hop: hopOf(fk), reach }] : [];
    });
    visiting.delete(table);
    return parents.length > 0 ? { parents } : undefined;
  }

  private count(table: string, reach: SubjectReach | undefined): SqlStatement {
    const params: unknown[] = [];
    return { sql: this.countSql(table, reach, params), params, table };
  }

  private countSql(table: string, reach: SubjectReach | undefined, params: unknown[]): string {
    const where = reach ? this.reacher.render(reach, params) : '1 = 0';
    return `SELECT count(*) AS n FROM ${this.dialect.quote(table)} WHERE ${where}`;
  }

  private ownStatements(
    table: string,
    strategies: 'delete' | UpdateStrategies,
    reach: SubjectReach | undefined,
  ): SqlStatement[] {
    if (!reach) {
      return [];
    }
    if (strategies !== 'delete') {
      return this.updateStatements(table, strategies, reach);
    }
    if (this.dialect.erasureJoin !== undefined) {
      return SubjectReacher.paths(reach).map((path) => this.joined(table, 'delete', path));
    }
    const params: unknown[] = [];
    const where = this.reacher.render(reach, params);
    return [{ sql: `DELETE FROM ${this.dialect.quote(table)} WHERE ${where}`, params, table }];
  }

  private updateStatements(
    table: string,
    strategies: UpdateStrategies,
    reach: SubjectReach,
  ): SqlStatement[] {
    const paths = SubjectReacher.paths(reach);
    // A row reached by two paths would be updated twice (a hash of a hash); one path is safe.
    if (this.dialect.erasureJoin !== undefined && paths.length <= 1) {
      return paths.map((path) => this.joined(table, strategies, path));
    }
    const params: unknown[] = [];
    const sets = this.assignments(strategies, (f) => this.dialect.quote(f), params);
    const where = this.reacher.render(reach, params);
    return [
      { sql: `UPDATE ${this.dialect.quote(table)} SET ${sets} WHERE ${where}`, params, table },
    ];
  }

  /**
   * The rows of `table` that one path reaches, as a multi-table DELETE or UPDATE (`t0` the
   * table, `t1` its parent, ...) joined from the identity match down, so each hop is an index
   * look-up of the subject's rows instead of a scan of the child.
   */
  private joined(
    table: string,
    mode: UpdateStrategies | 'delete',
    path: SubjectPath,
  ): SqlStatement {
    const q = (id: string) => this.dialect.quote(id);
    const alias = (n: number) => q(`t${n}`);
    const last = path.hops.length;
    let from = `${q(last === 0 ? table : path.hops[last - 1].parent)} AS ${alias(last)}`;
    for (let i = last - 1; i >= 0; i--) {
      const hop = path.hops[i];
      const child = i === 0 ? table : path.hops[i - 1].parent;
      const on = hop.fields
        .map((f, j) => `${alias(i)}.${q(f)} = ${alias(i + 1)}.${q(hop.parentFields[j])}`)
        .join(' AND ');
      from += ` ${this.dialect.erasureJoin as string} ${q(child)} AS ${alias(i)} ON ${on}`;
    }
    const params: unknown[] = [];
    const sets =
      typeof mode === 'string'
        ? undefined
        : this.assignments(mode, (f) => `${alias(0)}.${q(f)}`, params);
    const where = this.reacher.identityMatch(
      path.identity,
      `${alias(last)}.${q(path.identity.field)}`,
      params,
    );
    const sql =
      mode === 'delete'
        ? `DELETE ${alias(0)} FROM ${from} WHERE ${where}`
        : `UPDATE ${from} SET ${sets as string} WHERE ${where}`;
    return { sql, params, table };
  }

  private assignments(
    strategies: UpdateStrategies,
    column: (field: string) => string,
    params: unknown[],
  ): string {
    return strategies
      .map(([field, strategy]) => {
        const c = column(field);
        switch (strategy) {
          case 'null':
            return `${c} = NULL`;
          case 'mask':
            return `${c} = ${this.dialect.mask(c)}`;
          case 'hash':
            params.push(this.hashKey);
            return `${c} = ${this.dialect.hash(c, this.dialect.param(params.length))}`;
        }
      })
      .join(', ');
  }
}

/**
 * What a step's statements read (its condition) and change, as `column(table, name)`; `all` for
 * a delete, which also changes whatever the store cascades it to.
 */
interface Access {
  reads: Set<string>;
  writes: Set<string> | 'all';
}

/** NUL appears in no identifier, so no two columns share a key. */
const column = (table: string, name: string) => `${table}\u0000${name}`;

/** The columns a reach's condition on `table` reads: identity columns and reference keys. */
function readsOf(reach: SubjectReach, table: string, into = new Set<string>()): Set<string> {
  if (reach.identity) {
    into.add(column(reach.identity.table, reach.identity.field));
  }
  for (const { hop, reach: above } of reach.parents) {
    hop.fields.forEach((f) => into.add(column(table, f)));
    hop.parentFields.forEach((f) => into.add(column(hop.parent, f)));
    readsOf(above, hop.parent, into);
  }
  return into;
}

/**
 * What a step's statements change where it runs. A store step changes nothing there: the store
 * deletes or unlinks those rows during the delete of their parents, a step of its own.
 */
function writesOf(step: StructureStep): Access['writes'] {
  switch (step.kind) {
    case 'own':
      return step.strategies === 'delete'
        ? 'all'
        : new Set(step.strategies.map(([f]) => column(step.collection.name, f)));
    case 'unlink':
      return new Set(step.fk.columns.map((c) => column(step.fk.table, c)));
    case 'store':
      return new Set();
  }
}

/** Whether `writes` changes a column `access` reads or changes. */
function touches(writes: Access['writes'], access: Access): boolean {
  if (writes === 'all' || access.writes === 'all') {
    return true;
  }
  const other = access.writes;
  return [...writes].some((c) => access.reads.has(c) || other.has(c));
}

/** Whether two steps' order matters: one changes what the other reads or changes. */
function conflicts(a: Access, b: Access): boolean {
  return touches(a.writes, b) || touches(b.writes, a);
}

/** `plan` with each IdentitySlot replaced by the value it stands for in `shape`. */
function bound(plan: ErasurePlan, shape: SubjectShape): ErasurePlan {
  const bind = <S extends SqlStatement>(statement: S): S => ({
    ...statement,
    params: statement.params.map((p) =>
      p instanceof IdentitySlot ? (shape.values.get(p.column) as unknown[])[p.index] : p,
    ),
  });
  const storeRuns: ErasurePlan['storeRuns'] = new Map();
  plan.storeRuns.forEach((run, first) =>
    storeRuns.set(first, { ...run, counts: bind(run.counts) }),
  );
  return {
    steps: plan.steps.map((step) => ({
      ...step,
      statements: step.statements.map(bind),
      count: bind(step.count),
    })),
    counts: bind(plan.counts),
    storeRuns,
  };
}

function hopOf(fk: ForeignKey): Hop {
  return { fields: fk.columns, parent: fk.refTable, parentFields: fk.refColumns };
}
