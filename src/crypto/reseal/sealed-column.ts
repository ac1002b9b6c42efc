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
