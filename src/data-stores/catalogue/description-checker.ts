import type { CollectionSpec } from 'src/data-stores/data-store.types';
import type { CatalogueTable } from 'src/data-stores/connectors/connector.interface';
import { erasureStructure } from 'src/data-stores/erasure/erasure-structure';
import type { ForeignKey } from 'src/data-stores/erasure/foreign-key';

export interface DescriptionProblem {
  field: string;
  message: string;
}

/**
 * Checks a SQL store's collection description against the store's live catalogue: tables,
 * columns and reference targets exist, every collection is reachable from an identity,
 * references form no cycle, and the erasure it describes can run under the store's foreign
 * keys. Messages name only identifiers, never data.
 */
export function checkDescription(
  collections: CollectionSpec[],
  catalogue: CatalogueTable[],
  foreignKeys: ForeignKey[] = [],
): DescriptionProblem[] {
  const problems: DescriptionProblem[] = [];
  const tables = new Map(catalogue.map((t) => [t.name, new Set(t.columns.map((c) => c.name))]));
  const declared = new Map(collections.map((c) => [c.name, c]));
  const seen = new Set<string>();
  collections.forEach((c, i) => {
    const at = `collections[${i}]`;
    if (seen.has(c.name)) {
      problems.push({ field: `${at}.name`, message: `collection ${c.name} is listed twice` });
    }
    seen.add(c.name);
    const columns = tables.get(c.name);
    if (!columns) {
      problems.push({ field: `${at}.name`, message: `table ${c.name} does not exist` });
      return;
    }
    if (c.identity && !columns.has(c.identity.field)) {
      problems.push({
        field: `${at}.identity.field`,
        message: `column ${c.name}.${c.identity.field} does not exist`,
      });
    }
    c.fields.forEach((f, j) => {
      if (!columns.has(f.name)) {
        problems.push({
          field: `${at}.fields[${j}].name`,
          message: `column ${c.name}.${f.name} does not exist`,
        });
      }
    });
    (c.references ?? []).forEach((r, j) => {
      if (!columns.has(r.field)) {
        problems.push({
          field: `${at}.references[${j}].field`,
          message: `column ${c.name}.${r.field} does not exist`,
        });
      }
      const [parent, parentField] = r.to.split('.');
      if (!declared.has(parent)) {
        problems.push({
          field: `${at}.references[${j}].to`,
          message: `referenced collection ${parent} is not described`,
        });
      } else if (!tables.get(parent)?.has(parentField)) {
        problems.push({
          field: `${at}.references[${j}].to`,
          message: `column ${r.to} does not exist`,
        });
      }
    });
    if (!c.identity && (c.references ?? []).length === 0) {
      problems.push({
        field: at,
        message: `collection ${c.name} has neither an identity nor a reference`,
      });
    }
  });
  if (!collections.some((c) => c.identity)) {
    problems.push({ field: 'collections', message: 'no collection has an identity field' });
  }
  const cycle = findCycle(collections);
  if (cycle) {
    problems.push({ field: 'collections', message: `references form a cycle: ${cycle}` });
  }
  // The erasure order is only meaningful for a description that fits the store.
  return problems.length > 0 ? problems : erasureStructure(collections, foreignKeys).problems;
}

function findCycle(collections: CollectionSpec[]): string | null {
  const parents = new Map(
    collections.map((c) => [c.name, (c.references ?? []).map((r) => r.to.split('.')[0])]),
  );
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]): string | null => {
    if (state.get(name) === 'visiting') {
      return [...path, name].join(' -> ');
    }
    if (state.get(name) === 'done') {
      return null;
    }
    state.set(name, 'visiting');
    for (const p of parents.get(name) ?? []) {
      const found = visit(p, [...path, name]);
      if (found) {
        return found;
      }
    }
    state.set(name, 'done');
    return null;
  };
  for (const c of collections) {
    const found = visit(c.name, []);
    if (found) {
      return found;
    }
  }
  return null;
}
