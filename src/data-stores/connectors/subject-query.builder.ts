import type { CollectionSpec, Subject } from 'src/data-stores/data-store.types';
import { SubjectPath, SubjectReacher } from 'src/data-stores/erasure/subject-reach';
import type { CorrectionTarget } from 'src/data-stores/rectification/correction-targets';
import type { CatalogueTable } from './connector.interface';
import type { SqlDialect } from './sql-dialect';

export interface SqlStatement {
  sql: string;
  params: unknown[];
  /** The collection the statement reads or changes, named in errors. */
  table?: string;
}

/**
 * Builds the parameterised SQL that reads a subject's rows in a checked collection description:
 * by its identity column, and through `references` by its parent's rows (nested sub-queries,
 * so no id list is ever held in memory). Erasure SQL comes from the erasure planner.
 * Identifiers come only from the checked description.
 */
export class SubjectQueryBuilder {
  private readonly reacher: SubjectReacher;

  /** `catalogue` holds the described tables with their column types. */
  constructor(
    collections: CollectionSpec[],
    private readonly dialect: SqlDialect,
    catalogue: CatalogueTable[],
  ) {
    this.reacher = new SubjectReacher(collections, dialect, catalogue);
  }

  /**
   * Sets the fields of the subject's rows of `collection`; values are bound, never inlined.
   * Where the dialect joins (MariaDB runs an `IN` sub-query of an UPDATE once per row of the
   * table), rows reached through references are joined from the identity match down instead.
   */
  update(
    collection: string,
    assignments: CorrectionTarget['assignments'],
    subject: Subject,
  ): SqlStatement {
    const q = (id: string) => this.dialect.quote(id);
    const reach = this.reacher.reach(collection, subject);
    const paths = reach ? SubjectReacher.paths(reach) : [];
    const join = this.dialect.erasureJoin;
    if (join !== undefined && paths.length === 1 && paths[0].hops.length > 0) {
      return this.joinedUpdate(collection, assignments, paths[0], join);
    }
    const params: unknown[] = [];
    const sets = assignments.map(([field, value]) => {
      params.push(value);
      return `${q(field)} = ${this.dialect.param(params.length)}`;
    });
    const where = reach ? this.reacher.render(reach, params) : '1 = 0';
    return {
      sql: `UPDATE ${q(collection)} SET ${sets.join(', ')} WHERE ${where}`,
      params,
      table: collection,
    };
  }

  /** `t0` the collection, `t1` its parent, ...: each hop an index look-up of the subject's rows. */
  private joinedUpdate(
    collection: string,
    assignments: CorrectionTarget['assignments'],
    path: SubjectPath,
    join: string,
  ): SqlStatement {
    const q = (id: string) => this.dialect.quote(id);
    const alias = (n: number) => q(`t${n}`);
    const last = path.hops.length;
    let from = `${q(path.hops[last - 1].parent)} AS ${alias(last)}`;
    for (let i = last - 1; i >= 0; i--) {
      const hop = path.hops[i];
      const child = i === 0 ? collection : path.hops[i - 1].parent;
      const on = hop.fields
        .map((f, j) => `${alias(i)}.${q(f)} = ${alias(i + 1)}.${q(hop.parentFields[j])}`)
        .join(' AND ');
      from += ` ${join} ${q(child)} AS ${alias(i)} ON ${on}`;
    }
    const params: unknown[] = [];
    const sets = assignments.map(([field, value]) => {
      params.push(value);
      return `${alias(0)}.${q(field)} = ${this.dialect.param(params.length)}`;
    });
    const where = this.reacher.identityMatch(
      path.identity,
      `${alias(last)}.${q(path.identity.field)}`,
      params,
    );
    return {
      sql: `UPDATE ${from} SET ${sets.join(', ')} WHERE ${where}`,
      params,
      table: collection,
    };
  }

  select(collection: string, subject: Subject): SqlStatement {
    const params: unknown[] = [];
    const where = this.reacher.condition(collection, subject, params);
    return {
      sql: `SELECT * FROM ${this.dialect.quote(collection)} WHERE ${where}`,
      params,
      table: collection,
    };
  }
}
