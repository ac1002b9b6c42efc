/**
 * Persistence port for the key hierarchy. The service implements it with TypeORM/PostgreSQL;
 * `InMemoryKeyStore` is the reference implementation for tests. Only wrapped key material ever
 * reaches the store; subject ids never do (only the pseudonymous `subjectRef`).
 */

/** A keyring data key version, wrapped by the root key named in `rootKeyId`. */
export interface KeyringKeyRecord {
  readonly alias: string;
  /** 1, 2, 3...; the highest version of an alias is the active one. */
  readonly version: number;
  readonly rootKeyId: string;
  readonly wrappedKey: Buffer;
  readonly createdAt: Date;
}

export enum SubjectKeyStatus {
  Active = 'active',
  Shredded = 'shredded',
}

/** A subject data key wrapped (AES-256-GCM) by the keyring key `alias`/`keyringVersion`. */
export interface SubjectKeyRecord {
  readonly status: SubjectKeyStatus.Active;
  /** HMAC of the subject id (base64url); unique. */
  readonly subjectRef: string;
  /** Random id carried in field ciphertexts (base64url of 8 bytes); unique. */
  readonly keyId: string;
  readonly alias: string;
  readonly keyringVersion: number;
  readonly wrappedKey: Buffer;
  readonly createdAt: Date;
}

/** What remains after crypto-shredding: enough to answer "shredded", nothing to decrypt with. */
export interface SubjectKeyTombstone {
  readonly status: SubjectKeyStatus.Shredded;
  readonly subjectRef: string;
  /** Null when the subject was shredded before it ever had a key. */
  readonly keyId: string | null;
  readonly destroyedAt: Date;
}

export type SubjectKeyEntry = SubjectKeyRecord | SubjectKeyTombstone;

export interface KeyStore {
  getKeyringKey(alias: string, version: number): Promise<KeyringKeyRecord | undefined>;
  /** The highest version of `alias`. */
  getActiveKeyringKey(alias: string): Promise<KeyringKeyRecord | undefined>;
  /** Every version of every alias (keyring keys are few); used to re-wrap after a root rotation. */
  listKeyringKeys(): Promise<KeyringKeyRecord[]>;
  /** Inserts unless (alias, version) exists; returns the stored record, so the first writer wins. */
  putKeyringKeyIfAbsent(record: KeyringKeyRecord): Promise<KeyringKeyRecord>;
  /** Compare-and-set on `expectedRootKeyId`; false when another writer got there first. */
  updateKeyringKeyWrap(
    alias: string,
    version: number,
    expectedRootKeyId: string,
    next: { rootKeyId: string; wrappedKey: Buffer },
  ): Promise<boolean>;

  getSubjectKey(subjectRef: string): Promise<SubjectKeyEntry | undefined>;
  getSubjectKeyById(keyId: string): Promise<SubjectKeyEntry | undefined>;
  /**
   * Inserts unless an entry (key or tombstone) exists for `subjectRef`; returns what is stored
   * afterwards, so concurrent creators converge on the first writer's key and never replace a
   * tombstone. A clash on `keyId` with another subject must throw (unique constraint).
   */
  putSubjectKeyIfAbsent(record: SubjectKeyRecord): Promise<SubjectKeyEntry>;
  /**
   * Replaces the entry with a tombstone, removing the wrapped key for good; writes a tombstone
   * even when there was no key. Returns true when a key was destroyed by this call.
   */
  destroySubjectKey(subjectRef: string, destroyedAt: Date): Promise<boolean>;
  /** Active keys wrapped under `alias`/`version`, ordered by subjectRef, strictly after `after`. */
  listSubjectKeysByKeyringVersion(
    alias: string,
    version: number,
    limit: number,
    after?: string,
  ): Promise<SubjectKeyRecord[]>;
  /** Compare-and-set on `expectedKeyringVersion`; false when the key changed or was shredded meanwhile. */
  updateSubjectKeyWrap(
    subjectRef: string,
    expectedKeyringVersion: number,
    next: { keyringVersion: number; wrappedKey: Buffer },
  ): Promise<boolean>;
}
