import type { CollectionSpec, Subject } from 'src/data-stores/data-store.types';
import { SubjectReacher } from 'src/data-stores/erasure/subject-reach';
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

  /** Sets the fields of the subject's rows of `collection`; values are bound, never inlined. */
  update(
    collection: string,
    assignments: CorrectionTarget['assignments'],
    subject: Subject,
  ): SqlStatement {
    const q = (id: string) => this.dialect.quote(id);
    const params: unknown[] = [];
    const sets = assignments.map(([field, value]) => {
      params.push(value);
      return `${q(field)} = ${this.dialect.param(params.length)}`;
    });
    const where = this.reacher.condition(collection, subject, params);
    return {
      sql: `UPDATE ${q(collection)} SET ${sets.join(', ')} WHERE ${where}`,
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
