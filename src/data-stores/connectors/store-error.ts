/** Whether retrying the same work can succeed: a lost connection can, a wrong answer cannot. */
export type StoreErrorKind = 'permanent' | 'transient';

/**
 * A data store failure whose message is safe to show and keep: it names the table (or store),
 * the kind of error and a code, never a value or a connection string.
 */
export class StoreError extends Error {
  override readonly name = 'StoreError';

  constructor(
    readonly kind: StoreErrorKind,
    readonly code: string,
    message: string,
    readonly table?: string,
  ) {
    super(message);
  }
}
