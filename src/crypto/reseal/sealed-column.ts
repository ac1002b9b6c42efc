/** One stored value of a sealed column, with the key that names its row. */
export interface SealedRow {
  readonly key: string;
  readonly ciphertext: string;
}

/**
 * A column holding one of the service's own ciphertexts, described by the capability that owns
 * it (its SQL stays in that capability's repository) for `OwnValueResealer`.
 */
export interface SealedColumn {
  /** `table.column`: the move's name in `service_value_moves` and in log lines. */
  readonly name: string;
  /** The keyring new values go under; absent for values sealed under their subject's own key. */
  readonly keyAlias?: string;
  /** Rows whose key sorts after `after` (all from the start when null), in key order. */
  page(after: string | null, limit: number): Promise<SealedRow[]>;
  /** Replaces the value only if it is still `from`: a row rewritten meanwhile is left alone. */
  replace(key: string, from: string, to: string): Promise<void>;
  /** The reserved context of the row's value, and the context it was sealed under before. */
  contexts(key: string): { context: Record<string, string>; legacy: Record<string, string> };
  /** True for a value stored before it was sealed at all: it is sealed as it is. */
  isPlain?(stored: string): boolean;
  /** For values under their subject's own key: the subject, read from the plaintext. */
  subjectOf?(plaintext: string): string;
}

/** Where a sealed column lives: its table, the column and the row key it is paged by. */
export interface SealedColumnLocation {
  readonly table: string;
  readonly column: string;
  readonly key: string;
  /** The key's SQL type, so that the cursor compares as the key does. */
  readonly keyType: 'uuid' | 'text' | 'bigint';
}

/** Runs one statement on the repository's connection (or in a transaction of its own). */
export type SqlRunner = <T>(sql: string, params: unknown[]) => Promise<T>;

/**
 * The paging and compare-and-set statements of a sealed column, for the repository that owns
 * its table: rows with a value, in key order; a value replaced only if it is still the one read.
 */
export function sealedColumnAt(
  at: SealedColumnLocation,
  run: SqlRunner,
): Pick<SealedColumn, 'name' | 'page' | 'replace'> {
  const { table, column, key, keyType } = at;
  return {
    name: `${table}.${column}`,
    page: (after, limit) =>
      run<SealedRow[]>(
        `SELECT ${key}::text AS key, ${column} AS ciphertext FROM ${table}
          WHERE ${column} IS NOT NULL AND ($1::${keyType} IS NULL OR ${key} > $1::${keyType})
          ORDER BY ${key} LIMIT $2`,
        [after, limit],
      ),
    replace: async (rowKey, from, to) => {
      await run(
        `UPDATE ${table} SET ${column} = $3 WHERE ${key} = $1::${keyType} AND ${column} = $2`,
        [rowKey, from, to],
      );
    },
  };
}
