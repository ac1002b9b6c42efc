export const FOREIGN_KEY_ACTIONS = [
  'no action',
  'restrict',
  'cascade',
  'set null',
  'set default',
] as const;
export type ForeignKeyAction = (typeof FOREIGN_KEY_ACTIONS)[number];

/** One foreign key of a SQL store, as its catalogue declares it (composite keys allowed). */
export interface ForeignKey {
  constraint: string;
  /** The referencing table and its columns, in key order. */
  table: string;
  columns: string[];
  /** The referenced table and columns, paired with `columns`. */
  refTable: string;
  refColumns: string[];
  /** Every referencing column accepts NULL, so a kept row can be unlinked. */
  nullable: boolean;
  onDelete: ForeignKeyAction;
  /** What a change of the referenced columns does to the referencing rows (absent: no action). */
  onUpdate?: ForeignKeyAction;
}

/** The catalogue's spelling of a delete rule (`NO ACTION`, pg's one-letter codes) as ours. */
export function foreignKeyAction(rule: string): ForeignKeyAction {
  switch (rule.trim().toLowerCase()) {
    case 'c':
    case 'cascade':
      return 'cascade';
    case 'n':
    case 'set null':
      return 'set null';
    case 'd':
    case 'set default':
      return 'set default';
    case 'r':
    case 'restrict':
      return 'restrict';
    default:
      return 'no action';
  }
}

/** One referencing column of a key, as information_schema or pg_catalog lists it. */
export interface ForeignKeyColumnRow {
  constraint_name: string;
  table_name: string;
  column_name: string;
  ref_table: string;
  ref_column: string;
  is_nullable: boolean;
  delete_rule: string;
  update_rule: string;
}

/** Column rows (in key order) grouped into keys. */
export function groupForeignKeys(rows: ForeignKeyColumnRow[]): ForeignKey[] {
  const keys = new Map<string, ForeignKey>();
  for (const row of rows) {
    const id = `${row.table_name}\u0000${row.constraint_name}`;
    const key = keys.get(id) ?? {
      constraint: row.constraint_name,
      table: row.table_name,
      columns: [],
      refTable: row.ref_table,
      refColumns: [],
      nullable: true,
      onDelete: foreignKeyAction(row.delete_rule),
      onUpdate: foreignKeyAction(row.update_rule),
    };
    key.columns.push(row.column_name);
    key.refColumns.push(row.ref_column);
    key.nullable = key.nullable && row.is_nullable;
    keys.set(id, key);
  }
  return [...keys.values()];
}
