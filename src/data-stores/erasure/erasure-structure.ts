import type { CollectionSpec, ErasureStrategy } from 'src/data-stores/data-store.types';
import type { ForeignKey } from './foreign-key';
import { reachOf, SubjectReacher } from './subject-reach';

export type UpdateStrategies = Array<[string, Exclude<ErasureStrategy, 'delete'>]>;

/**
 * One step of an erasure, before any subject is known:
 * - `own`: a described collection's rows of the subject are deleted or updated;
 * - `unlink`: rows that point (by a nullable, no-action key) at rows the erasure deletes get the
 *   key set to NULL, so they are kept but no longer linked;
 * - `store`: the store itself deletes (ON DELETE CASCADE) or unlinks (SET NULL / SET DEFAULT)
 *   rows that point at deleted rows; the plan only counts them.
 */
export type StructureStep =
  | { kind: 'own'; collection: CollectionSpec; strategies: 'delete' | UpdateStrategies }
  | { kind: 'unlink'; fk: ForeignKey }
  | { kind: 'store'; fk: ForeignKey; action: 'cascaded' | 'nulled' };

export interface StructureProblem {
  field: string;
  message: string;
}

export interface ErasureStructure {
  /** In the order they must run: rows are unlinked or deleted before the rows they point at. */
  steps: StructureStep[];
  /** Why no order exists or a delete would be refused; empty when the erasure can run. */
  problems: StructureProblem[];
  /** Tables whose subject rows the store deletes by cascade, with the keys that do it. */
  cascadedBy: Map<string, ForeignKey[]>;
}

/** A subject with every identity, so every path the description allows is considered. */
const ANY_SUBJECT = { email: '-', subjectId: '-', phone: '-' };

/**
 * `delete` when a field asks for it or none says anything; otherwise the per-field updates.
 * The identity column is always changed (hashed unless told otherwise) so an updated row no
 * longer points at the subject, which is also what makes a second run find nothing.
 */
export function strategiesOf(collection: CollectionSpec): 'delete' | UpdateStrategies {
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

/**
 * Orders an erasure from the description and the store's foreign keys. Identifiers only: the
 * same structure serves every subject, so it is checked once at registration.
 */
export function erasureStructure(
  collections: CollectionSpec[],
  foreignKeys: ForeignKey[],
): ErasureStructure {
  const problems: StructureProblem[] = [];
  const described = new Map(collections.map((c, i) => [c.name, { spec: c, index: i }]));
  const byName = new Map(collections.map((c) => [c.name, c]));
  /** Every hop (child table, column) some collection's own step reads the subject through. */
  const readsThrough = new Map<string, Set<string>>();
  for (const c of collections) {
    const reach = reachOf(byName, c.name, ANY_SUBJECT, new Set());
    for (const path of reach ? SubjectReacher.paths(reach) : []) {
      path.hops.forEach((hop, i) => {
        const child = i === 0 ? c.name : path.hops[i - 1].parent;
        for (const f of hop.fields) {
          const key = `${child}.${f}`;
          readsThrough.set(key, (readsThrough.get(key) ?? new Set()).add(c.name));
        }
      });
    }
  }

  const nodes: StructureStep[] = [];
  const before = new Map<number, Set<number>>();
  const edge = (from: number | undefined, to: number | undefined) => {
    if (from !== undefined && to !== undefined && from !== to) {
      before.set(to, (before.get(to) ?? new Set()).add(from));
    }
  };
  const own = new Map<string, number>();
  for (const c of collections) {
    own.set(c.name, nodes.push({ kind: 'own', collection: c, strategies: strategiesOf(c) }) - 1);
  }
  // A child's own step reads its parent's rows (and its identity, which an update hashes).
  for (const c of collections) {
    for (const r of c.references ?? []) {
      edge(own.get(c.name), own.get(r.to.split('.')[0]));
    }
  }

  // Tables the erasure deletes rows of, with the own steps whose DELETE removes them.
  const roots = new Map<string, Set<number>>();
  const cascadedBy = new Map<string, ForeignKey[]>();
  const queue: string[] = [];
  for (const c of collections) {
    if (strategiesOf(c) === 'delete') {
      roots.set(c.name, new Set([own.get(c.name) as number]));
      queue.push(c.name);
    }
  }
  const sorted = [...foreignKeys].sort((a, b) => a.constraint.localeCompare(b.constraint));
  const handled = new Set<ForeignKey>();
  while (queue.length > 0) {
    const parent = queue.shift() as string;
    const parentRoots = roots.get(parent) as Set<number>;
    for (const fk of sorted.filter((k) => k.refTable === parent && !handled.has(k))) {
      handled.add(fk);
      const child = described.get(fk.table);
      const covered =
        child !== undefined &&
        cascadedBy.get(fk.table) === undefined &&
        strategiesOf(child.spec) === 'delete' &&
        fk.columns.length === 1 &&
        (child.spec.references ?? []).some(
          (r) => r.field === fk.columns[0] && r.to === `${parent}.${fk.refColumns[0]}`,
        );
      if (covered) {
        continue;
      }
      let node: number;
      if (fk.onDelete === 'no action' || fk.onDelete === 'restrict') {
        if (!fk.nullable) {
          problems.push(blocked(fk, described, child?.spec));
          continue;
        }
        node = nodes.push({ kind: 'unlink', fk }) - 1;
        for (const reader of fk.columns.flatMap((f) => [
          ...(readsThrough.get(`${fk.table}.${f}`) ?? []),
        ])) {
          edge(own.get(reader), node);
        }
      } else {
        const cascade = fk.onDelete === 'cascade';
        node = nodes.push({ kind: 'store', fk, action: cascade ? 'cascaded' : 'nulled' }) - 1;
        if (fk.table !== parent) {
          edge(own.get(fk.table), node);
        }
        if (cascade && fk.table !== parent && !roots.has(fk.table)) {
          roots.set(fk.table, new Set(parentRoots));
          cascadedBy.set(fk.table, [fk]);
          queue.push(fk.table);
        } else if (cascade && cascadedBy.has(fk.table)) {
          cascadedBy.get(fk.table)?.push(fk);
          parentRoots.forEach((r) => roots.get(fk.table)?.add(r));
        }
      }
      parentRoots.forEach((r) => edge(node, r));
    }
  }

  problems.push(...refusedUpdates(collections, sorted, described));

  const order = topologicalOrder(nodes.length, before);
  if (order.length < nodes.length) {
    const stuck = [...new Set(nodes.filter((_, i) => !order.includes(i)).map(tableOf))];
    problems.push({
      field: 'collections',
      message: `references and foreign keys leave no order in which to erase ${stuck.join(', ')}: each must go before another`,
    });
  }
  return { steps: order.map((i) => nodes[i]), problems, cascadedBy };
}

export function tableOf(step: StructureStep): string {
  return step.kind === 'own' ? step.collection.name : step.fk.table;
}

/**
 * A kept row's erasure changes columns (null, mask, hash, the identity's hash); a foreign key
 * that references one of them without ON UPDATE CASCADE / SET NULL would refuse the change while
 * a row still points at the subject's row, unless that row is deleted first through the same
 * reference.
 */
function refusedUpdates(
  collections: CollectionSpec[],
  foreignKeys: ForeignKey[],
  described: Map<string, { spec: CollectionSpec; index: number }>,
): StructureProblem[] {
  const problems: StructureProblem[] = [];
  collections.forEach((c, index) => {
    const strategies = strategiesOf(c);
    if (strategies === 'delete') {
      return;
    }
    const changed = new Map(strategies);
    for (const fk of foreignKeys.filter((k) => k.refTable === c.name)) {
      const column = fk.refColumns.find((col) => changed.has(col));
      const action = fk.onUpdate ?? 'no action';
      if (!column || (action !== 'no action' && action !== 'restrict')) {
        continue;
      }
      const child = described.get(fk.table)?.spec;
      const deletedFirst =
        child !== undefined &&
        strategiesOf(child) === 'delete' &&
        fk.columns.length === 1 &&
        (child.references ?? []).some(
          (r) => r.field === fk.columns[0] && r.to === `${c.name}.${column}`,
        );
      if (!deletedFirst) {
        problems.push({
          field: `collections[${index}]`,
          message:
            `updating ${c.name}.${column} (${changed.get(column) as string}) would be refused by ` +
            `foreign key ${fk.constraint}: ${fk.table}.${fk.columns.join(', ')} references it ` +
            `without ON UPDATE CASCADE or SET NULL; delete ${c.name} rows instead, or describe ` +
            `${fk.table} as deleted through a reference to ${c.name}.${column}`,
        });
      }
    }
  });
  return problems;
}

function blocked(
  fk: ForeignKey,
  described: Map<string, { spec: CollectionSpec; index: number }>,
  child: CollectionSpec | undefined,
): StructureProblem {
  const why = !child
    ? `${fk.table} is not described, so its rows are kept`
    : strategiesOf(child) === 'delete'
      ? `${fk.table} rows are deleted only through other paths than ${fk.table}.${fk.columns.join(', ')}`
      : `${fk.table} rows are kept (updated, not deleted)`;
  const at = described.get(fk.refTable);
  return {
    field: at ? `collections[${at.index}]` : 'collections',
    message:
      `deleting ${fk.refTable} rows would be refused by foreign key ${fk.constraint}: ` +
      `${fk.table}.${fk.columns.join(', ')} is NOT NULL and ${why}; make it nullable, ` +
      `ON DELETE CASCADE, or describe ${fk.table} as deleted through a reference to ${fk.refTable}`,
  };
}

/** Kahn's algorithm, taking the earliest ready step first so the order is stable. */
function topologicalOrder(size: number, before: Map<number, Set<number>>): number[] {
  const done = new Set<number>();
  const order: number[] = [];
  for (;;) {
    let next = -1;
    for (let i = 0; i < size; i++) {
      if (!done.has(i) && [...(before.get(i) ?? [])].every((b) => done.has(b))) {
        next = i;
        break;
      }
    }
    if (next < 0) {
      return order;
    }
    done.add(next);
    order.push(next);
  }
}
