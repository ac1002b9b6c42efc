import type { CollectionSpec, ErasureStrategy, Subject } from 'src/data-stores/data-store.types';
import type { SqlDialect } from './sql-dialect';

export interface SqlStatement {
  sql: string;
  params: unknown[];
}

export interface ErasureStatement extends SqlStatement {
  collection: string;
  action: 'deleted' | 'updated';
}

/**
 * Builds the parameterised SQL that finds a subject's rows in a checked collection description:
 * by its identity column, and through `references` by its parent's rows (nested sub-queries,
 * so no id list is ever held in memory). Identifiers come only from the checked description.
 */
export class SubjectQueryBuilder {
  private readonly byName: Map<string, CollectionSpec>;

  constructor(
    private readonly collections: CollectionSpec[],
    private readonly dialect: SqlDialect,
  ) {
    this.byName = new Map(collections.map((c) => [c.name, c]));
  }

  select(collection: string, subject: Subject): SqlStatement {
    const params: unknown[] = [];
    const where = this.condition(collection, subject, params, new Set());
    return {
      sql: `SELECT * FROM ${this.dialect.quote(collection)} WHERE ${where}`,
      params,
    };
  }

  /** Children before parents, so foreign keys hold while rows are deleted. */
  erasureOrder(): CollectionSpec[] {
    const parentsOf = new Map(
      this.collections.map((c) => [c.name, (c.references ?? []).map((r) => r.to.split('.')[0])]),
    );
    const order: CollectionSpec[] = [];
    const remaining = new Set(this.collections.map((c) => c.name));
    while (remaining.size > 0) {
      const ready = [...remaining].filter(
        (name) =>
          ![...remaining].some((other) => other !== name && parentsOf.get(other)?.includes(name)),
      );
      // The description check refuses cycles; this keeps a bad description from looping forever.
      const next = ready.length > 0 ? ready : [...remaining];
      for (const name of next) {
        remaining.delete(name);
        order.push(this.byName.get(name) as CollectionSpec);
      }
    }
    return order;
  }

  erase(collection: CollectionSpec, subject: Subject, hashKey: string): ErasureStatement {
    const params: unknown[] = [];
    const table = this.dialect.quote(collection.name);
    const strategies = this.strategies(collection);
    if (strategies === 'delete') {
      const where = this.condition(collection.name, subject, params, new Set());
      return {
        collection: collection.name,
        action: 'deleted',
        sql: `DELETE FROM ${table} WHERE ${where}`,
        params,
      };
    }
    const sets: string[] = [];
    for (const [field, strategy] of strategies) {
      const column = this.dialect.quote(field);
      switch (strategy) {
        case 'null':
          sets.push(`${column} = NULL`);
          break;
        case 'mask':
          sets.push(`${column} = ${this.dialect.mask(column)}`);
          break;
        case 'hash':
          params.push(hashKey);
          sets.push(`${column} = ${this.dialect.hash(column, this.dialect.param(params.length))}`);
          break;
      }
    }
    const where = this.condition(collection.name, subject, params, new Set());
    return {
      collection: collection.name,
      action: 'updated',
      sql: `UPDATE ${table} SET ${sets.join(', ')} WHERE ${where}`,
      params,
    };
  }

  /**
   * `delete` when a field asks for it or none says anything; otherwise the per-field updates.
   * The identity column is always changed (hashed unless told otherwise) so an updated row no
   * longer points at the subject, which is also what makes a second run find nothing.
   */
  private strategies(
    collection: CollectionSpec,
  ): 'delete' | Array<[string, Exclude<ErasureStrategy, 'delete'>]> {
    const withErasure = collection.fields.filter((f) => f.erasure !== undefined);
    if (withErasure.length === 0 || withErasure.some((f) => f.erasure === 'delete')) {
      return 'delete';
    }
    const out = withErasure.map(
      (f) => [f.name, f.erasure] as [string, Exclude<ErasureStrategy, 'delete'>],
    );
    const identity = collection.identity?.field;
    if (identity && !out.some(([name]) => name === identity)) {
      out.push([identity, 'hash']);
    }
    return out;
  }

  private condition(
    name: string,
    subject: Subject,
    params: unknown[],
    visiting: Set<string>,
  ): string {
    const collection = this.byName.get(name);
    if (!collection || visiting.has(name)) {
      return '1 = 0';
    }
    visiting.add(name);
    const parts: string[] = [];
    const identity = collection.identity;
    const value = identity ? subjectValue(subject, identity.type) : undefined;
    if (identity && value !== undefined) {
      params.push(value);
      parts.push(
        this.dialect.identityMatch(
          this.dialect.quote(identity.field),
          identity.type,
          this.dialect.param(params.length),
        ),
      );
    }
    for (const ref of collection.references ?? []) {
      const [parent, parentField] = ref.to.split('.');
      const inner = this.condition(parent, subject, params, visiting);
      if (inner !== '1 = 0') {
        parts.push(
          `${this.dialect.quote(ref.field)} IN (SELECT ${this.dialect.quote(parentField)} FROM ${this.dialect.quote(parent)} WHERE ${inner})`,
        );
      }
    }
    visiting.delete(name);
    return parts.length === 0 ? '1 = 0' : parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`;
  }
}

function subjectValue(
  subject: Subject,
  type: 'email' | 'subject_id' | 'phone',
): string | undefined {
  switch (type) {
    case 'email':
      return subject.email;
    case 'subject_id':
      return subject.subjectId;
    case 'phone':
      return subject.phone;
  }
}
