import { randomBytes } from 'node:crypto';
import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { CryptoError } from '../errors/crypto-error';
import { DataKeyCache, type DataKeyCacheLimits } from './data-key.cache';
import {
  SubjectKeyStatus,
  type KeyStore,
  type SubjectKeyEntry,
  type SubjectKeyRecord,
} from './key-store.port';
import type { KeyringManager } from './keyring.manager';
import type { SubjectRefDeriver } from './subject-ref.deriver';
import { SubjectKeyWrap } from './subject-key.wrap';

export interface SubjectKeyManagerOptions {
  readonly store: KeyStore;
  readonly keyring: KeyringManager;
  readonly refs: SubjectRefDeriver;
  /**
   * Short by default: another instance may shred a subject, and this instance keeps using a
   * cached key until it expires here.
   */
  readonly cache?: Partial<DataKeyCacheLimits>;
  readonly now?: () => number;
}

/** What a field ciphertext records about the subject key that sealed it. */
export interface SubjectKeyInfo {
  readonly subjectRef: string;
  readonly keyId: string;
  /** The 8 bytes of `keyId`, written into field ciphertexts. */
  readonly keyIdBytes: Buffer;
  readonly alias: string;
  readonly keyringVersion: number;
}

const KEY_ID_BYTES = 8;
const DEFAULT_LIMITS: DataKeyCacheLimits = {
  maxAgeMs: 60_000,
  maxUses: 1_000_000,
  maxEntries: 10_000,
};

/**
 * Subject data keys: created on first use (first writer wins), unwrapped locally with the keyring
 * key, cached with limits, destroyed for crypto-shredding. A destroyed subject answers Shredded
 * for ever: no new key replaces it.
 */
export class SubjectKeyManager {
  private readonly store: KeyStore;
  private readonly keyring: KeyringManager;
  private readonly refs: SubjectRefDeriver;
  private readonly now: () => number;
  private readonly cache: DataKeyCache;
  private readonly byKeyId = new Map<string, SubjectKeyInfo>();
  private readonly byRef = new Map<string, SubjectKeyInfo>();

  constructor(options: SubjectKeyManagerOptions) {
    this.store = options.store;
    this.keyring = options.keyring;
    this.refs = options.refs;
    this.now = options.now ?? Date.now;
    this.cache = new DataKeyCache({ ...DEFAULT_LIMITS, ...options.cache }, this.now, (keyId) =>
      this.forget(keyId),
    );
  }

  subjectRef(subjectId: string): string {
    return this.refs.derive(subjectId);
  }

  /** The subject's key, created under `alias` when it has none; throws Shredded after shredding. */
  async resolve(subjectId: string, alias: string): Promise<SubjectKeyInfo> {
    const subjectRef = this.refs.derive(subjectId);
    const known = this.byRef.get(subjectRef);
    if (known !== undefined) {
      return known;
    }
    const entry =
      (await this.store.getSubjectKey(subjectRef)) ?? (await this.create(subjectRef, alias));
    return this.loadEntry(entry);
  }

  /** The key a field ciphertext names; throws Shredded or UnknownKey. */
  async resolveKeyId(keyId: string): Promise<SubjectKeyInfo> {
    const known = this.byKeyId.get(keyId);
    if (known !== undefined) {
      return known;
    }
    const entry = await this.store.getSubjectKeyById(keyId);
    if (entry === undefined) {
      throw new CryptoError(CryptoErrorCode.UnknownKey, 'unknown subject key');
    }
    return this.loadEntry(entry);
  }

  /** The subject key info for `keyId` when this instance holds the key, without I/O. */
  peekKeyId(keyId: string): SubjectKeyInfo | undefined {
    return this.byKeyId.get(keyId);
  }

  /** The cached key for `info`, charged one use; undefined when it must be resolved again. */
  take(info: SubjectKeyInfo, uses = 1): Buffer | undefined {
    return this.cache.take(info.keyId, uses);
  }

  /** Crypto-shredding: destroys the wrapped key, leaves a tombstone, drops it from this cache. */
  async shred(subjectId: string): Promise<boolean> {
    const subjectRef = this.refs.derive(subjectId);
    const destroyed = await this.store.destroySubjectKey(subjectRef, new Date(this.now()));
    const known = this.byRef.get(subjectRef);
    if (known !== undefined) {
      this.cache.evict(known.keyId);
    }
    return destroyed;
  }

  clearCache(): void {
    this.cache.clear();
  }

  private async create(subjectRef: string, alias: string): Promise<SubjectKeyEntry> {
    const version = await this.keyring.activeVersion(alias);
    const keyId = randomBytes(KEY_ID_BYTES).toString('base64url');
    const subjectKey = randomBytes(32);
    try {
      const binding = { subjectRef, keyId, alias, keyringVersion: version };
      let keyringKey = this.keyring.take(alias, version);
      if (keyringKey === undefined) {
        await this.keyring.load(alias, version);
        keyringKey = this.keyring.take(alias, version);
      }
      if (keyringKey === undefined) {
        throw new CryptoError(
          CryptoErrorCode.UnknownKey,
          `keyring key ${alias} v${version} unavailable`,
        );
      }
      const record: SubjectKeyRecord = {
        status: SubjectKeyStatus.Active,
        ...binding,
        wrappedKey: SubjectKeyWrap.seal(keyringKey, binding, subjectKey),
        createdAt: new Date(this.now()),
      };
      return await this.store.putSubjectKeyIfAbsent(record);
    } finally {
      // Unwrapping the stored winner (ours or a concurrent writer's) is the single path to the cache.
      subjectKey.fill(0);
    }
  }

  private async loadEntry(entry: SubjectKeyEntry): Promise<SubjectKeyInfo> {
    if (entry.status === SubjectKeyStatus.Shredded) {
      throw new CryptoError(CryptoErrorCode.Shredded, 'the subject key was destroyed');
    }
    const { alias, keyringVersion } = entry;
    let keyringKey = this.keyring.take(alias, keyringVersion);
    if (keyringKey === undefined) {
      await this.keyring.load(alias, keyringVersion);
      keyringKey = this.keyring.take(alias, keyringVersion);
    }
    if (keyringKey === undefined) {
      throw new CryptoError(
        CryptoErrorCode.UnknownKey,
        `keyring key ${alias} v${keyringVersion} unavailable`,
      );
    }
    let subjectKey: Buffer;
    try {
      subjectKey = SubjectKeyWrap.open(keyringKey, entry, entry.wrappedKey);
    } catch (cause) {
      throw new CryptoError(
        CryptoErrorCode.AuthenticationFailed,
        'stored subject key failed authentication',
        {
          cause,
        },
      );
    }
    const info: SubjectKeyInfo = {
      subjectRef: entry.subjectRef,
      keyId: entry.keyId,
      keyIdBytes: Buffer.from(entry.keyId, 'base64url'),
      alias,
      keyringVersion,
    };
    this.cache.put(entry.keyId, subjectKey);
    this.byKeyId.set(entry.keyId, info);
    this.byRef.set(entry.subjectRef, info);
    return info;
  }

  private forget(keyId: string): void {
    const info = this.byKeyId.get(keyId);
    this.byKeyId.delete(keyId);
    if (info !== undefined) {
      this.byRef.delete(info.subjectRef);
    }
  }
}
