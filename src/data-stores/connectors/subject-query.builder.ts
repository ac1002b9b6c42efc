import type { CollectionSpec, ErasureStrategy, Subject } from 'src/data-stores/data-store.types';
import type { SqlDialect } from './sql-dialect';

export interface SqlStatement {
  sql: string;
  params: unknown[];
}

/** One collection's erasure: its statements run in order and their row counts add up. */
export interface CollectionErasureStatements {
  collection: string;
  action: 'deleted' | 'updated';
  statements: SqlStatement[];
}

/**
 * How a collection's rows reach the subject: by its own identity column, and through each
 * reference by its parent's rows. Collections that cannot reach the subject have none.
 */
interface SubjectReach {
  identity?: { spec: NonNullable<CollectionSpec['identity']>; value: string };
  parents: Array<{ field: string; parent: string; parentField: string; reach: SubjectReach }>;
}

/** One way from a collection to the subject: parent hops, then the identity of the last table. */
interface SubjectPath {
  hops: Array<{ field: string; parent: string; parentField: string }>;
  identity: NonNullable<CollectionSpec['identity']>;
  value: string;
}

/**
 * Builds the parameterised SQL that finds a subject's rows in a checked collection description:
 * by its identity column, and through `references` by its parent's rows (nested sub-queries,
 * so no id list is ever held in memory; joins for erasure where the dialect asks for them).
 * Identifiers come only from the checked description.
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
    const where = this.condition(collection, subject, params);
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

  erase(
    collection: CollectionSpec,
    subject: Subject,
    hashKey: string,
  ): CollectionErasureStatements {
    const strategies = this.strategies(collection);
    const action = strategies === 'delete' ? 'deleted' : 'updated';
    const join = this.dialect.erasureJoin;
    if (join !== undefined) {
      const reach = this.reach(collection.name, subject, new Set());
      const paths = reach ? this.paths(reach) : [];
      // A row reached by two paths would be updated twice (a hash of a hash); one path is safe.
      if (strategies === 'delete' || paths.length <= 1) {
        return {
          collection: collection.name,
          action,
          statements: paths.map((path) =>
            this.joinedErasure(join, collection, strategies, path, hashKey),
          ),
        };
      }
    }
    const params: unknown[] = [];
    const table = this.dialect.quote(collection.name);
    if (strategies === 'delete') {
      const where = this.condition(collection.name, subject, params);
      return {
        collection: collection.name,
        action,
        statements: [{ sql: `DELETE FROM ${table} WHERE ${where}`, params }],
      };
    }
    const sets = this.assignments(
      strategies,
      (field) => this.dialect.quote(field),
      params,
      hashKey,
    );
    const where = this.condition(collection.name, subject, params);
    return {
      collection: collection.name,
      action,
      statements: [{ sql: `UPDATE ${table} SET ${sets} WHERE ${where}`, params }],
    };
  }

  /**
   * The rows of `collection` that one path reaches, as a multi-table DELETE or UPDATE (`t0` the
   * collection, `t1` its parent, ...) joined from the identity match down, so each hop is an
   * index look-up of the subject's rows instead of a scan of the child.
   */
  private joinedErasure(
    join: string,
    collection: CollectionSpec,
    strategies: 'delete' | Array<[string, Exclude<ErasureStrategy, 'delete'>]>,
    path: SubjectPath,
    hashKey: string,
  ): SqlStatement {
    const q = (id: string) => this.dialect.quote(id);
    const alias = (n: number) => q(`t${n}`);
    const last = path.hops.length;
    let from = `${q(last === 0 ? collection.name : path.hops[last - 1].parent)} AS ${alias(last)}`;
    for (let i = last - 1; i >= 0; i--) {
      const hop = path.hops[i];
      const child = i === 0 ? collection.name : path.hops[i - 1].parent;
      from += ` ${join} ${q(child)} AS ${alias(i)} ON ${alias(i)}.${q(hop.field)} = ${alias(i + 1)}.${q(hop.parentField)}`;
    }
    const params: unknown[] = [];
    const sets =
      strategies === 'delete'
        ? undefined
        : this.assignments(strategies, (field) => `${alias(0)}.${q(field)}`, params, hashKey);
    params.push(path.value);
    const where = this.dialect.identityMatch(
      `${alias(last)}.${q(path.identity.field)}`,
      path.identity.type,
      this.dialect.param(params.length),
    );
    return {
      sql:
        sets === undefined
          ? `DELETE ${alias(0)} FROM ${from} WHERE ${where}`
          : `UPDATE ${from} SET ${sets} WHERE ${where}`,
      params,
    };
  }

  private assignments(
    strategies: Array<[string, Exclude<ErasureStrategy, 'delete'>]>,
    column: (field: string) => string,
    params: unknown[],
    hashKey: string,
  ): string {
    const sets: string[] = [];
    for (const [field, strategy] of strategies) {
      const c = column(field);
      switch (strategy) {
        case 'null':
          sets.push(`${c} = NULL`);
          break;
        case 'mask':
          sets.push(`${c} = ${this.dialect.mask(c)}`);
          break;
        case 'hash':
          params.push(hashKey);
          sets.push(`${c} = ${this.dialect.hash(c, this.dialect.param(params.length))}`);
          break;
      }
    }
    return sets.join(', ');
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

  /** The SQL condition on `name`'s own columns that picks the subject's rows. */
  private condition(name: string, subject: Subject, params: unknown[]): string {
    const reach = this.reach(name, subject, new Set());
    return reach ? this.render(reach, params) : '1 = 0';
  }

  private reach(name: string, subject: Subject, visiting: Set<string>): SubjectReach | undefined {
    const collection = this.byName.get(name);
    if (!collection || visiting.has(name)) {
      return undefined;
    }
    visiting.add(name);
    const spec = collection.identity;
    const value = spec ? subjectValue(subject, spec.type) : undefined;
    const parents: SubjectReach['parents'] = [];
    for (const ref of collection.references ?? []) {
      const [parent, parentField] = ref.to.split('.');
      const reach = this.reach(parent, subject, visiting);
      if (reach) {
        parents.push({ field: ref.field, parent, parentField, reach });
      }
    }
    visiting.delete(name);
    const identity = spec && value !== undefined ? { spec, value } : undefined;
    return identity || parents.length > 0 ? { identity, parents } : undefined;
  }

  /** Nested sub-queries: no id list is ever held in memory. */
  private render(reach: SubjectReach, params: unknown[]): string {
    const q = (id: string) => this.dialect.quote(id);
    const parts: string[] = [];
    if (reach.identity) {
      const { spec, value } = reach.identity;
      params.push(value);
      parts.push(
        this.dialect.identityMatch(q(spec.field), spec.type, this.dialect.param(params.length)),
      );
    }
    for (const p of reach.parents) {
      const inner = this.render(p.reach, params);
      parts.push(
        `${q(p.field)} IN (SELECT ${q(p.parentField)} FROM ${q(p.parent)} WHERE ${inner})`,
      );
    }
    return parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`;
  }

  /** The same ways, one per identity match, as reference chains. */
  private paths(reach: SubjectReach): SubjectPath[] {
    const out: SubjectPath[] = reach.identity
      ? [{ hops: [], identity: reach.identity.spec, value: reach.identity.value }]
      : [];
    for (const { field, parent, parentField, reach: above } of reach.parents) {
      for (const path of this.paths(above)) {
        out.push({ ...path, hops: [{ field, parent, parentField }, ...path.hops] });
      }
    }
    return out;
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
