import type { Correction, Subject } from 'src/data-stores/data-store.types';
import type { PlanAction } from 'src/data-stores/erasure/erasure-planner';

export interface ConnectorTestResult {
  ok: boolean;
  detail: string;
}

/** One column as the store's catalogue (`information_schema.columns`) describes it. */
export interface CatalogueColumn {
  name: string;
  /**
   * `data_type` in lower case; MySQL's unsigned integers end in ` unsigned`, PostgreSQL's
   * user-defined types (citext) are named by their own name.
   */
  dataType: string;
  nullable: boolean;
  /** Characters a character column holds, where the type has a limit. */
  maxLength?: number;
  /** The character set of a MySQL character column (`utf8mb4`, `latin1`, ...). */
  characterSet?: string;
}

/** One table (SQL) and its columns, as the store's own catalogue describes it. */
export interface CatalogueTable {
  name: string;
  columns: CatalogueColumn[];
}

/** A batch of records, as the store hands them over (a cursor fetch, a page). */
export type RecordBatch = Array<Record<string, unknown>>;

export interface CollectionExport {
  collection: string;
  /**
   * Records batch by batch: memory stays flat, and a consumer handles a batch in one go, so its
   * rows are garbage before the next young-generation collection instead of being promoted.
   */
  records: AsyncIterable<RecordBatch>;
}

/** One step of an erasure (or of its dry run): which rows of a collection it changes. */
export interface CollectionErasure {
  collection: string;
  action: PlanAction | 'reported';
  rows: number;
}

/** What a rectification changed in one collection (`reported`: the store's own count). */
export interface CollectionRectification {
  collection: string;
  action: 'updated' | 'reported';
  rows: number;
}

/** Rows per collection that still reach the subject after its erasure (all 0 when it worked). */
export type RemainingRows = Record<string, number>;

export interface ErasureWithProof {
  collections: CollectionErasure[];
  remaining: RemainingRows;
}

export type OptOutKind = 'opt_out_sale' | 'opt_out_sharing';

export interface ConnectorCallContext {
  requestId: string;
}

/** Whether a store transaction committed, as the store tells it later. */
export type CommitStatus = 'committed' | 'aborted' | 'in-progress' | 'unknown';

export interface ErasureContext extends ConnectorCallContext {
  /**
   * Called inside the erasure's transaction once its statements ran, before the commit, with
   * their counts and the transaction's id where the store can later say whether it committed
   * (`commitStatus`). A failure here rolls the erasure back. Stores whose own backend commits
   * (HTTP) never call it.
   */
  beforeCommit?(collections: CollectionErasure[], commit: string | undefined): Promise<void>;
}

/** One interface for every kind of data store; one implementation file per kind. */
export interface Connector {
  test(): Promise<ConnectorTestResult>;
  /** Tables and columns of the store, for the description check and discovery scans. */
  catalogue(): Promise<CatalogueTable[]>;
  /** Yields the subject's records collection by collection. */
  export(subject: Subject, ctx: ConnectorCallContext): AsyncIterable<CollectionExport>;
  /** Idempotent: a second run finds nothing left to change. One transaction per store. */
  erase(subject: Subject, ctx: ErasureContext): Promise<CollectionErasure[]>;
  /** Whether the transaction `commit` (an id `beforeCommit` got) committed; unknown if it cannot tell. */
  commitStatus?(commit: string): Promise<CommitStatus>;
  /** Writes the corrections to the subject's rows; one transaction per store. */
  rectify(
    subject: Subject,
    corrections: Correction[],
    ctx: ConnectorCallContext,
  ): Promise<CollectionRectification[]>;
  /**
   * The steps `erase` would run, in its order, with the rows each would change now; read-only.
   * Only stores whose erasure the service plans itself (SQL) have it.
   */
  planErasure?(subject: Subject): Promise<CollectionErasure[]>;
  /**
   * `erase`, then its proof: the subject's rows each collection still holds after the commit,
   * by the same plan.
   */
  eraseWithProof?(subject: Subject, ctx: ErasureContext): Promise<ErasureWithProof>;
  optOut(subject: Subject, kind: OptOutKind, ctx: ConnectorCallContext): Promise<number>;
  /** Up to `limit` values of one column; values are classified and dropped, never stored. */
  sample(collection: string, field: string, limit: number): Promise<unknown[]>;
  close(): Promise<void>;
}
