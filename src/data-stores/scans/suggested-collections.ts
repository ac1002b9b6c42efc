import type { CatalogueTable } from 'src/data-stores/connectors/connector.interface';
import type { CollectionSpec, ReferenceSpec } from 'src/data-stores/data-store.types';
import type { ScanColumnResult } from 'src/data-stores/entities/data-store-scan.entity';
import type { ForeignKey } from 'src/data-stores/erasure/foreign-key';

/** A column counts as holding an entity when at least this share of its sampled values do. */
const MIN_ENTITY_RATIO = 0.5;

/** Entity of the values, and column names that say the same when there is nothing to sample. */
const EMAIL = { entity: 'EMAIL_ADDRESS', names: /^(e_?mail|e_?mail_address|mail)$/ };
const PHONE = { entity: 'PHONE_NUMBER', names: /^(phone|phone_number|mobile|msisdn|tel)$/ };

/**
 * Names of columns that hold the subject's own id in another system (`customer_id` in an events
 * table fed by the shop): only when they are not a foreign key, which makes them a reference.
 */
const SUBJECT_ID_NAMES =
  /^(subject|customer|user|account|member|client|person|profile|patient|external(_(customer|user))?)_?(id|uuid|number|no)$/;

/** `customerEmail`, `Customer-Email` and `customer_email` alike. */
function snake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

/** Whether the name, or its last words (`contact_email` reads as `email`), is one of `names`. */
function nameMatches(column: string, names: RegExp): boolean {
  const words = snake(column).split('_');
  return words.some((_, i) => names.test(words.slice(i).join('_')));
}

/**
 * The column holding `kind`: its values decide (a share of at least MIN_ENTITY_RATIO), its name
 * only when it had nothing to sample; a column named for it goes first, then the highest share.
 */
function columnHolding(
  columns: string[],
  scanned: Map<string, ScanColumnResult>,
  kind: { entity: string; names: RegExp },
): string | undefined {
  return columns
    .map((column) => {
      const result = scanned.get(column);
      const ratio = result?.entities.find((e) => e.entity === kind.entity)?.matchRatio ?? 0;
      const named = nameMatches(column, kind.names);
      return { column, ratio, named, empty: (result?.sampled ?? 0) === 0 };
    })
    .filter((c) => c.ratio >= MIN_ENTITY_RATIO || (c.named && c.empty))
    .sort((a, b) => Number(b.named) - Number(a.named) || b.ratio - a.ratio)[0]?.column;
}

/** A table as far as proposing goes: its column names. */
interface NamedTable {
  name: string;
  columns: string[];
}

/** E-mail first (what intake mostly gives), then a subject id, then phone. */
function identityOf(
  table: NamedTable,
  scanned: Map<string, ScanColumnResult>,
  referencing: Set<string>,
): CollectionSpec['identity'] {
  const email = columnHolding(table.columns, scanned, EMAIL);
  if (email) {
    return { field: email, type: 'email' };
  }
  const subjectId = table.columns.find(
    (c) => !referencing.has(c) && SUBJECT_ID_NAMES.test(snake(c)),
  );
  if (subjectId) {
    return { field: subjectId, type: 'subject_id' };
  }
  const phone = columnHolding(table.columns, scanned, PHONE);
  return phone ? { field: phone, type: 'phone' } : undefined;
}

/**
 * The description a scan proposes for a SQL store, in the `collections` format: tables with a
 * column that identifies the subject (e-mail, then a subject id, then phone, from the scan's
 * entities and the column names), and every table that references one of those through its
 * foreign keys, directly or down a chain. References come from single-column foreign keys
 * between proposed tables, leaving out any that would close a cycle. Fields are all columns,
 * with the category the scan suggested. Nothing here reads a value.
 */
export function suggestCollections(
  catalogue: CatalogueTable[],
  columns: ScanColumnResult[],
  foreignKeys: ForeignKey[],
): CollectionSpec[] {
  const named: NamedTable[] = catalogue.map((t) => ({
    name: t.name,
    columns: t.columns.map((c) => c.name),
  }));
  const tables = new Map(named.map((t) => [t.name, t]));
  const byTable = new Map<string, Map<string, ScanColumnResult>>();
  for (const c of columns) {
    const m = byTable.get(c.collection) ?? new Map<string, ScanColumnResult>();
    m.set(c.field, c);
    byTable.set(c.collection, m);
  }
  const scannedOf = (table: string) => byTable.get(table) ?? new Map<string, ScanColumnResult>();
  const links = foreignKeys.filter(
    (k) =>
      k.columns.length === 1 &&
      k.table !== k.refTable &&
      tables.get(k.table)?.columns.includes(k.columns[0]) &&
      tables.get(k.refTable)?.columns.includes(k.refColumns[0]),
  );
  const referencingColumns = (table: string) =>
    new Set(foreignKeys.filter((k) => k.table === table).flatMap((k) => k.columns));

  const identities = new Map<string, NonNullable<CollectionSpec['identity']>>();
  for (const table of named) {
    const identity = identityOf(table, scannedOf(table.name), referencingColumns(table.name));
    if (identity) {
      identities.set(table.name, identity);
    }
  }

  // Identified tables, then tables referencing proposed ones, round by round.
  const order = named.filter((t) => identities.has(t.name)).map((t) => t.name);
  const proposed = new Set(order);
  for (let grew = true; grew;) {
    grew = false;
    for (const table of named) {
      if (
        !proposed.has(table.name) &&
        links.some((k) => k.table === table.name && proposed.has(k.refTable))
      ) {
        order.push(table.name);
        proposed.add(table.name);
        grew = true;
      }
    }
  }

  // Edges child -> parent. Those to a table proposed earlier come first (they follow the order in
  // which tables were found, so they cannot form a cycle); any other is left out if it would.
  const rank = new Map(order.map((t, i) => [t, i]));
  const parents = new Map<string, Set<string>>(order.map((t) => [t, new Set<string>()]));
  const reaches = (from: string, to: string): boolean => {
    const stack = [from];
    const seen = new Set<string>();
    while (stack.length > 0) {
      const at = stack.pop() as string;
      if (at === to) {
        return true;
      }
      if (!seen.has(at)) {
        seen.add(at);
        stack.push(...(parents.get(at) ?? []));
      }
    }
    return false;
  };
  const chosen = new Set<ForeignKey>();
  const candidates = links.filter((k) => proposed.has(k.table) && proposed.has(k.refTable));
  const earlier = (k: ForeignKey) => (rank.get(k.refTable) ?? 0) < (rank.get(k.table) ?? 0);
  for (const k of [...candidates.filter(earlier), ...candidates.filter((c) => !earlier(c))]) {
    if (!reaches(k.refTable, k.table)) {
      parents.get(k.table)?.add(k.refTable);
      chosen.add(k);
    }
  }
  const references = (table: string): ReferenceSpec[] =>
    candidates
      .filter((k) => k.table === table && chosen.has(k))
      .map((k) => ({ field: k.columns[0], to: `${k.refTable}.${k.refColumns[0]}` }));

  return order.map((name) => {
    const scanned = scannedOf(name);
    const identity = identities.get(name);
    const refs = references(name);
    return {
      name,
      ...(identity ? { identity } : {}),
      fields: (tables.get(name)?.columns ?? []).map((column) => {
        const category = scanned.get(column)?.suggestedCategory;
        return category ? { name: column, category } : { name: column };
      }),
      ...(refs.length > 0 ? { references: refs } : {}),
    };
  });
}
