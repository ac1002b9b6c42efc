import type { CollectionSpec, Correction, CorrectionValue } from 'src/data-stores/data-store.types';

/** One collection's part of a rectification: the fields it describes and their new values. */
export interface CorrectionTarget {
  collection: string;
  assignments: Array<[field: string, value: CorrectionValue]>;
}

/** Fields a description names for a collection: its identity and its listed fields. */
export function describedFields(collection: CollectionSpec): Set<string> {
  const fields = new Set(collection.fields.map((f) => f.name));
  if (collection.identity) {
    fields.add(collection.identity.field);
  }
  return fields;
}

/**
 * Where each correction applies in one store: the named collection, or every collection that
 * describes the field. Collections whose identity or referenced columns change come last, so
 * the rows reached through them are found before the values that reach them move.
 */
export function correctionTargets(
  collections: CollectionSpec[],
  corrections: Correction[],
): CorrectionTarget[] {
  const targets: CorrectionTarget[] = [];
  for (const c of collections) {
    const fields = describedFields(c);
    const assignments = new Map<string, CorrectionValue>();
    for (const k of corrections) {
      if ((k.collection === undefined || k.collection === c.name) && fields.has(k.field)) {
        assignments.set(k.field, k.value);
      }
    }
    if (assignments.size > 0) {
      targets.push({ collection: c.name, assignments: [...assignments.entries()] });
    }
  }
  const reaching = new Set(collections.flatMap((c) => (c.references ?? []).map((r) => r.to)));
  for (const c of collections) {
    if (c.identity) {
      reaching.add(`${c.name}.${c.identity.field}`);
    }
  }
  const movesReach = (t: CorrectionTarget) =>
    t.assignments.some(([field]) => reaching.has(`${t.collection}.${field}`));
  return [...targets.filter((t) => !movesReach(t)), ...targets.filter(movesReach)];
}
