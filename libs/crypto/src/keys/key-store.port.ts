import type { KeyringKeyType } from './keyring-key-type.enum';

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
  /** For every type a 32-byte secret (AES key, HMAC key, P-256 scalar, Ed25519 seed). */
  readonly wrappedKey: Buffer;
  readonly createdAt: Date;
  /** Absent means `aes256-gcm` (records written before keyrings had types). */
  readonly type?: KeyringKeyType;
  /** SubjectPublicKeyInfo DER of the signing key types; absent otherwise. */
  readonly publicKey?: Buffer;
  /** When set, nothing under this version is decrypted, verified or unwrapped any more. */
  readonly disabledAt?: Date | null;
}

/** Per-alias settings; an alias that never had any behaves as `DEFAULT_KEYRING_SETTINGS`. */
export interface KeyringSettings {
  /** Versions below it are refused for decryption, verification and unwrapping. */
  readonly minDecryptionVersion: number;
  /** Rotate when the active version is older than this; null: never automatically. */
  readonly autoRotatePeriodSeconds: number | null;
}

export const DEFAULT_KEYRING_SETTINGS: KeyringSettings = Object.freeze({
  minDecryptionVersion: 1,
  autoRotatePeriodSeconds: null,
});

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

/** What a re-wrap reads of an active subject key: its binding and its wrapped key. */
export type SubjectKeyWrapRecord = Pick<
  SubjectKeyRecord,
  'subjectRef' | 'keyId' | 'alias' | 'keyringVersion' | 'wrappedKey'
>;

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

  /** False when `alias`/`version` does not exist. `null` enables the version again. */
  setKeyringKeyDisabled(alias: string, version: number, disabledAt: Date | null): Promise<boolean>;
  /** The alias's settings, or the defaults when it never had any. */
  getKeyringSettings(alias: string): Promise<KeyringSettings>;
  putKeyringSettings(alias: string, settings: KeyringSettings): Promise<void>;

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
  ): Promise<SubjectKeyWrapRecord[]>;
  /**
   * Moves a batch of subject keys to `keyringVersion` in one write, each by compare-and-set on
   * `expectedKeyringVersion`: a key that changed or was shredded meanwhile is left alone.
   * Returns how many moved.
   */
  updateSubjectKeyWraps(
    expectedKeyringVersion: number,
    keyringVersion: number,
    wraps: ReadonlyArray<{ subjectRef: string; wrappedKey: Buffer }>,
  ): Promise<number>;
}
