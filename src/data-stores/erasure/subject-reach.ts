import type { CollectionSpec, IdentityType, Subject } from 'src/data-stores/data-store.types';
import type {
  CatalogueColumn,
  CatalogueTable,
} from 'src/data-stores/connectors/connector.interface';
import type { IdentityColumn, SqlDialect } from 'src/data-stores/connectors/sql-dialect';
import { StoreError } from 'src/data-stores/connectors/store-error';

/** One step up from a table to the table it points at, by one or more columns. */
export interface Hop {
  fields: string[];
  parent: string;
  parentFields: string[];
}

/**
 * How a collection's rows reach the subject: by its own identity column, and through each
 * described reference by its parent's rows. Collections that cannot reach the subject have none.
 */
export interface SubjectReach {
  identity?: IdentityValue;
  parents: Array<{ hop: Hop; reach: SubjectReach }>;
}

/** One way from a collection to the subject: parent hops, then the identity of the last table. */
export interface SubjectPath {
  hops: Hop[];
  identity: IdentityValue;
}

/** The subject's value for the identity column `field` of `table`. */
export interface IdentityValue {
  table: string;
  field: string;
  type: IdentityType;
  value: string;
}

/** The subject's value for an identity type, if the subject gave one. */
export function subjectValue(subject: Subject, type: IdentityType): string | undefined {
  switch (type) {
    case 'email':
      return subject.email;
    case 'subject_id':
      return subject.subjectId;
    case 'phone':
      return subject.phone;
  }
}

/**
 * How `name`'s rows reach the subject through the description's `references` (a collection on
 * the way twice is not followed again).
 */
export function reachOf(
  byName: Map<string, CollectionSpec>,
  name: string,
  subject: Subject,
  visiting: Set<string>,
): SubjectReach | undefined {
  const collection = byName.get(name);
  if (!collection || visiting.has(name)) {
    return undefined;
  }
  visiting.add(name);
  const spec = collection.identity;
  const value = spec ? subjectValue(subject, spec.type) : undefined;
  const parents: SubjectReach['parents'] = [];
  for (const ref of collection.references ?? []) {
    const [parent, parentField] = ref.to.split('.');
    const reach = reachOf(byName, parent, subject, visiting);
    if (reach) {
      parents.push({ hop: { fields: [ref.field], parent, parentFields: [parentField] }, reach });
    }
  }
  visiting.delete(name);
  const identity = spec && value !== undefined ? { table: name, ...spec, value } : undefined;
  return identity || parents.length > 0 ? { identity, parents } : undefined;
}

/**
 * A parameter of SQL built for a subject's shape rather than the subject (`slots`): the `index`-th
 * value the identity match of `column` (`table.field`) binds.
 */
export class IdentitySlot {
  constructor(
    readonly column: string,
    readonly index: number,
  ) {}
}

/**
 * What the SQL built for a subject depends on: `key`, the same for subjects whose SQL is the same
 * text (each identity column's match as the dialect writes it for the subject's value), and the
 * values that subject's identity matches bind, by column.
 */
export interface SubjectShape {
  key: string;
  values: Map<string, unknown[]>;
}

/** Reach of every described collection as SQL, through the description's `references`. */
export class SubjectReacher {
  private readonly byName: Map<string, CollectionSpec>;
  private readonly columns: Map<string, CatalogueColumn>;

  /**
   * `catalogue` holds the described tables with their column types (identity matching needs
   * them). With `slots`, an identity match binds IdentitySlots instead of the subject's values.
   */
  constructor(
    collections: CollectionSpec[],
    private readonly dialect: SqlDialect,
    catalogue: CatalogueTable[],
    private readonly slots = false,
  ) {
    this.byName = new Map(collections.map((c) => [c.name, c]));
    this.columns = new Map(
      catalogue.flatMap((t) => t.columns.map((c) => [`${t.name}.${c.name}`, c])),
    );
  }

  /** The dialect's byte-exact match of the identity column, written at `column` in the SQL. */
  identityMatch(identity: IdentityValue, column: string, params: unknown[]): string {
    const name = `${identity.table}.${identity.field}`;
    const first = params.length;
    const sql = this.dialect.identityMatch(
      this.identityColumn(identity, column),
      identity.value,
      params,
    );
    if (this.slots) {
      for (let i = first; i < params.length; i++) {
        params[i] = new IdentitySlot(name, i - first);
      }
    }
    return sql;
  }

  /**
   * The subject's shape: each described identity column the subject has a value for, matched as
   * the dialect writes it for that value (which says whether the value can be the column's, and
   * in how many spellings), and the values the match binds.
   */
  shapeOf(subject: Subject): SubjectShape {
    const parts: string[] = [];
    const values = new Map<string, unknown[]>();
    for (const collection of this.byName.values()) {
      const spec = collection.identity;
      const value = spec && subjectValue(subject, spec.type);
      if (!spec || value === undefined) {
        continue;
      }
      const identity = { table: collection.name, ...spec, value };
      const name = `${identity.table}.${identity.field}`;
      if (!this.columns.has(name)) {
        // Matching it fails as it would for any subject.
        parts.push(`${name} missing`);
        continue;
      }
      const bound: unknown[] = [];
      const match = this.dialect.identityMatch(this.identityColumn(identity, 'c'), value, bound);
      parts.push(`${name} ${match}`);
      values.set(name, bound);
    }
    return { key: parts.join('\n'), values };
  }

  private identityColumn(identity: IdentityValue, column: string): IdentityColumn {
    const catalogued = this.columns.get(`${identity.table}.${identity.field}`);
    if (!catalogued) {
      throw new StoreError(
        'permanent',
        'missing-column',
        `column ${identity.table}.${identity.field} is not in the store's catalogue`,
        identity.table,
      );
    }
    return {
      sql: column,
      type: identity.type,
      dataType: catalogued.dataType,
      ...(catalogued.characterSet ? { characterSet: catalogued.characterSet } : {}),
    };
  }

  reach(name: string, subject: Subject): SubjectReach | undefined {
    return reachOf(this.byName, name, subject, new Set());
  }

  /** The SQL condition on `name`'s own columns that picks the subject's rows. */
  condition(name: string, subject: Subject, params: unknown[]): string {
    const reach = this.reach(name, subject);
    return reach ? this.render(reach, params) : '1 = 0';
  }

  /** Nested sub-queries: no id list is ever held in memory. */
  render(reach: SubjectReach, params: unknown[]): string {
    const parts: string[] = [];
    if (reach.identity) {
      parts.push(
        this.identityMatch(reach.identity, this.dialect.quote(reach.identity.field), params),
      );
    }
    for (const p of reach.parents) {
      parts.push(this.inParent(p.hop, this.render(p.reach, params)));
    }
    return parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`;
  }

  /** `cols IN (SELECT parent cols FROM parent WHERE inner)`, a row value for composite keys. */
  private inParent(hop: Hop, inner: string): string {
    const q = (id: string) => this.dialect.quote(id);
    const tuple = (xs: string[]) => (xs.length === 1 ? xs[0] : `(${xs.join(', ')})`);
    return `${tuple(hop.fields.map(q))} IN (SELECT ${hop.parentFields.map(q).join(', ')} FROM ${q(hop.parent)} WHERE ${inner})`;
  }

  /** The same ways, one per identity match, as reference chains. */
  static paths(reach: SubjectReach): SubjectPath[] {
    const out: SubjectPath[] = reach.identity ? [{ hops: [], identity: reach.identity }] : [];
    for (const { hop, reach: above } of reach.parents) {
      for (const path of SubjectReacher.paths(above)) {
        out.push({ ...path, hops: [hop, ...path.hops] });
      }
    }
    return out;
  }
}
