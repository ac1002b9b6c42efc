import type { CatalogueTable } from './connector.interface';

/** One information_schema row per column, as both SQL connectors select it. */
export interface CatalogueRow {
  table_name: string;
  column_name: string;
  data_type: string;
  is_nullable: string;
  max_length: number | string | null;
  character_set?: string | null;
}

/** information_schema rows (one per column) grouped into tables, in their order. */
export function groupColumns(rows: CatalogueRow[]): CatalogueTable[] {
  const tables = new Map<string, CatalogueTable['columns']>();
  for (const row of rows) {
    const columns = tables.get(row.table_name) ?? [];
    // MySQL's lengths are BIGINT, which the driver hands over as strings.
    const maxLength = row.max_length === null ? undefined : Number(row.max_length);
    columns.push({
      name: row.column_name,
      dataType: row.data_type.toLowerCase(),
      nullable: row.is_nullable.toUpperCase() === 'YES',
      ...(maxLength !== undefined && Number.isSafeInteger(maxLength) ? { maxLength } : {}),
      ...(row.character_set ? { characterSet: row.character_set.toLowerCase() } : {}),
    });
    tables.set(row.table_name, columns);
  }
  return [...tables.entries()].map(([name, columns]) => ({ name, columns }));
}
