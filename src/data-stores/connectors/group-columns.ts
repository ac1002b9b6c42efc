import type { CatalogueTable } from './connector.interface';

/** information_schema rows (one per column) grouped into tables, in their order. */
export function groupColumns(
  rows: Array<{ table_name: string; column_name: string }>,
): CatalogueTable[] {
  const tables = new Map<string, string[]>();
  for (const row of rows) {
    const columns = tables.get(row.table_name) ?? [];
    columns.push(row.column_name);
    tables.set(row.table_name, columns);
  }
  return [...tables.entries()].map(([name, columns]) => ({ name, columns }));
}
