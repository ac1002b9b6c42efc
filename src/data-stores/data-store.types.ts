/** `manual`: a system without a connector; its tasks wait for a person to do them. */
export const DATA_STORE_TYPES = ['postgres', 'mysql', 'http', 'manual'] as const;
export type DataStoreType = (typeof DATA_STORE_TYPES)[number];

export const IDENTITY_TYPES = ['email', 'subject_id', 'phone'] as const;
export type IdentityType = (typeof IDENTITY_TYPES)[number];

export const ERASURE_STRATEGIES = ['delete', 'null', 'mask', 'hash'] as const;
export type ErasureStrategy = (typeof ERASURE_STRATEGIES)[number];

export interface FieldSpec {
  name: string;
  category?: string;
  erasure?: ErasureStrategy;
  /** Keys of the purposes the field is processed for (the record of processing). */
  purposes?: string[];
}

export interface ReferenceSpec {
  /** The column of this collection that points at `to`. */
  field: string;
  /** `collection.field` of the referenced (parent) collection. */
  to: string;
}

/** Where a subject's data lives in one table (SQL) or one named collection (http). */
export interface CollectionSpec {
  name: string;
  identity?: { field: string; type: IdentityType };
  fields: FieldSpec[];
  references?: ReferenceSpec[];
}

export interface SqlConnection {
  url: string;
}

export interface HttpConnection {
  url: string;
  secret: string;
}

export type StoreConnection = SqlConnection | HttpConnection;

/** The subject as given at intake. */
export interface Subject {
  email?: string;
  subjectId?: string;
  phone?: string;
}

/** A new value for a field of the subject's rows (rectification). */
export type CorrectionValue = string | number | boolean | null;

export interface Correction {
  /** The collection holding the field; without it, every collection describing the field. */
  collection?: string;
  field: string;
  value: CorrectionValue;
}
