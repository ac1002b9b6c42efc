import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { CryptoError } from '../errors/crypto-error';
import type { EncryptionContext } from '../field/encryption-context.codec';
import { KeyMaterial } from '../managed/key-material';
import type { ProviderRegistry } from '../providers/provider-registry';
import { DataKeyCache, type DataKeyCacheLimits } from './data-key.cache';
import type { KeyStore, KeyringKeyRecord, KeyringSettings } from './key-store.port';
import { KeyringKeyType } from './keyring-key-type.enum';

export interface KeyringManagerOptions {
  readonly store: KeyStore;
  readonly providers: ProviderRegistry;
  readonly cache?: Partial<DataKeyCacheLimits>;
  /** How long an instance trusts its idea of an alias's active version (other instances may rotate). */
  readonly activeVersionTtlMs?: number;
  readonly now?: () => number;
}

export interface KeyringSettingsPatch {
  readonly minDecryptionVersion?: number;
  readonly autoRotatePeriodSeconds?: number | null;
}

export interface RootRewrapReport {
  readonly total: number;
  readonly rewrapped: number;
}

const ALIAS = /^[A-Za-z0-9._-]{1,64}$/;
const DEFAULT_LIMITS: DataKeyCacheLimits = {
  maxAgeMs: 5 * 60_000,
  maxUses: 1_000_000,
  maxEntries: 1_000,
};

/**
 * Keyring data keys: one per alias and version, wrapped by the root key, cached unwrapped. The
 * provider is called once per unwrap (concurrent misses share one call), never per field.
 * Callers read keys with the synchronous `take` and use them before their next `await`, because
 * the cache zeroes keys it evicts.
 */
export class KeyringManager {
  private readonly store: KeyStore;
  private readonly providers: ProviderRegistry;
  private readonly cache: DataKeyCache;
  private readonly now: () => number;
  private readonly activeTtlMs: number;
  private readonly active = new Map<string, { version: number; expiresAt: number }>();
  private readonly loading = new Map<string, Promise<void>>();
  private unwraps = 0;
  /** Bumped by every clear, so an unwrap that started before a disable never refills the cache. */
  private generation = 0;

  constructor(options: KeyringManagerOptions) {
    this.store = options.store;
    this.providers = options.providers;
    this.now = options.now ?? Date.now;
    this.cache = new DataKeyCache({ ...DEFAULT_LIMITS, ...options.cache }, this.now);
    this.activeTtlMs = options.activeVersionTtlMs ?? 60_000;
  }

  /** Provider unwrap calls made so far (observability and tests). */
  get providerUnwrapCount(): number {
    return this.unwraps;
  }

  static assertAlias(alias: string): void {
    if (!ALIAS.test(alias)) {
      throw new CryptoError(
        CryptoErrorCode.InvalidArgument,
        'key alias must be 1-64 of [A-Za-z0-9._-]',
      );
    }
  }

  /** Keys of other types live under other ids, so an AES `take` never finds an HMAC key. */
  static cacheId(alias: string, version: number, type = KeyringKeyType.Aes256Gcm): string {
    return type === KeyringKeyType.Aes256Gcm
      ? `${alias}#${version}`
      : `${alias}#${version}#${type}`;
  }

  static typeOf(record: KeyringKeyRecord): KeyringKeyType {
    return record.type ?? KeyringKeyType.Aes256Gcm;
  }

  /** Version 1 of `alias`, unless the alias already exists (then its active version). */
  async createKeyring(
    alias: string,
    type: KeyringKeyType = KeyringKeyType.Aes256Gcm,
  ): Promise<KeyringKeyRecord> {
    KeyringManager.assertAlias(alias);
    return (await this.store.getActiveKeyringKey(alias)) ?? this.createVersion(alias, 1, type);
  }

  /** A new active version of the keyring's type; older versions stay readable. */
  async rotateKeyring(alias: string): Promise<KeyringKeyRecord> {
    KeyringManager.assertAlias(alias);
    const current = await this.store.getActiveKeyringKey(alias);
    return this.createVersion(
      alias,
      (current?.version ?? 0) + 1,
      current === undefined ? KeyringKeyType.Aes256Gcm : KeyringManager.typeOf(current),
    );
  }

  /** Every version of `alias`, oldest first (public keys and settings views). */
  async versions(alias: string): Promise<KeyringKeyRecord[]> {
    const records = await this.store.listKeyringKeys();
    return records.filter((r) => r.alias === alias).sort((a, b) => a.version - b.version);
  }

  /** The stored active record of `alias` (its type, public key, age). */
  async activeRecord(alias: string): Promise<KeyringKeyRecord> {
    return this.requireActive(alias);
  }

  /** Refuses everything under `version` from now on; the active version cannot be disabled. */
  async disableVersion(alias: string, version: number): Promise<void> {
    const active = await this.requireActive(alias);
    if (version === active.version) {
      throw new CryptoError(
        CryptoErrorCode.ActiveVersionLocked,
        `key version ${version} of ${alias} is the active version and cannot be disabled`,
      );
    }
    await this.setDisabled(alias, version, new Date(this.now()));
  }

  async enableVersion(alias: string, version: number): Promise<void> {
    await this.requireActive(alias);
    await this.setDisabled(alias, version, null);
  }

  async settings(alias: string): Promise<KeyringSettings> {
    return this.store.getKeyringSettings(alias);
  }

  /** Merges `patch` into the alias's settings; the minimum cannot exceed the active version. */
  async updateSettings(alias: string, patch: KeyringSettingsPatch): Promise<KeyringSettings> {
    const active = await this.requireActive(alias);
    const next: KeyringSettings = { ...(await this.store.getKeyringSettings(alias)), ...patch };
    if (!Number.isInteger(next.minDecryptionVersion) || next.minDecryptionVersion < 1) {
      throw new CryptoError(
        CryptoErrorCode.InvalidArgument,
        'minDecryptionVersion must be a positive integer',
      );
    }
    if (next.minDecryptionVersion > active.version) {
      throw new CryptoError(
        CryptoErrorCode.SettingsRejected,
        `minDecryptionVersion ${next.minDecryptionVersion} of ${alias} exceeds the active version ${active.version}`,
      );
    }
    await this.store.putKeyringSettings(alias, next);
    this.clearCache();
    return next;
  }

  /** The active version, from a short-lived local pointer when possible. */
  async activeVersion(alias: string): Promise<number> {
    const known = this.peekActiveVersion(alias);
    if (known !== undefined) {
      return known;
    }
    const record = await this.store.getActiveKeyringKey(alias);
    if (record === undefined) {
      throw new CryptoError(CryptoErrorCode.UnknownKey, `no keyring named ${alias}`);
    }
    this.active.set(alias, { version: record.version, expiresAt: this.now() + this.activeTtlMs });
    return record.version;
  }

  peekActiveVersion(alias: string): number | undefined {
    const pointer = this.active.get(alias);
    return pointer !== undefined && this.now() < pointer.expiresAt ? pointer.version : undefined;
  }

  /** The cached key charged with `uses` uses, or undefined when it must be loaded first. */
  take(
    alias: string,
    version: number,
    uses = 1,
    type: KeyringKeyType = KeyringKeyType.Aes256Gcm,
  ): Buffer | undefined {
    return this.cache.take(KeyringManager.cacheId(alias, version, type), uses);
  }

  /**
   * Unwraps `alias`/`version` into the cache unless it is there. Refuses a version of another
   * type, a disabled version and one below the alias's minimum decryption version; only keys
   * that pass are ever cached, and every policy change empties the cache.
   */
  async load(
    alias: string,
    version: number,
    type: KeyringKeyType = KeyringKeyType.Aes256Gcm,
  ): Promise<void> {
    const id = KeyringManager.cacheId(alias, version, type);
    const pending = this.loading.get(id);
    if (pending !== undefined) {
      return pending;
    }
    const job = this.unwrapIntoCache(alias, version, type, id).finally(() =>
      this.loading.delete(id),
    );
    this.loading.set(id, job);
    return job;
  }

  /** Drops every cached key (zeroed) and active-version pointer. */
  clearCache(): void {
    this.generation += 1;
    this.cache.clear();
    this.active.clear();
  }

  /**
   * After a root rotation: re-wraps every keyring key that another root key wrapped under the
   * active root key. Safe to run again or concurrently (compare-and-set per key).
   */
  async rewrapKeyringKeys(): Promise<RootRewrapReport> {
    const target = this.providers.active;
    const records = await this.store.listKeyringKeys();
    let rewrapped = 0;
    for (const record of records) {
      if (record.rootKeyId === target.rootKeyId) {
        continue;
      }
      const context = KeyringManager.context(record.alias, record.version);
      const plaintext = await this.providers
        .get(record.rootKeyId)
        .unwrapDataKey(record.wrappedKey, context);
      this.unwraps += 1;
      try {
        const wrappedKey = await target.wrapDataKey(plaintext, context);
        if (
          await this.store.updateKeyringKeyWrap(record.alias, record.version, record.rootKeyId, {
            rootKeyId: target.rootKeyId,
            wrappedKey,
          })
        ) {
          rewrapped += 1;
        }
      } finally {
        plaintext.fill(0);
      }
    }
    return { total: records.length, rewrapped };
  }

  /** The stored record of a usable version of `type` (for public keys and checks). */
  async usableRecord(
    alias: string,
    version: number,
    type: KeyringKeyType,
  ): Promise<KeyringKeyRecord> {
    const record = await this.store.getKeyringKey(alias, version);
    if (record === undefined) {
      throw new CryptoError(CryptoErrorCode.UnknownKey, `no keyring key ${alias} v${version}`);
    }
    KeyringManager.assertType(record, type);
    const settings = await this.store.getKeyringSettings(alias);
    if ((record.disabledAt ?? null) !== null) {
      throw new CryptoError(
        CryptoErrorCode.KeyVersionDisabled,
        `key version ${version} of ${alias} is disabled`,
      );
    }
    if (version < settings.minDecryptionVersion) {
      throw new CryptoError(
        CryptoErrorCode.KeyVersionDisabled,
        `key version ${version} of ${alias} is below its minimum decryption version ${settings.minDecryptionVersion}`,
      );
    }
    return record;
  }

  static assertType(record: KeyringKeyRecord, type: KeyringKeyType): void {
    const actual = KeyringManager.typeOf(record);
    if (actual !== type) {
      throw new CryptoError(
        CryptoErrorCode.WrongKeyType,
        `key ${record.alias} has type ${actual}, this operation needs ${type}`,
      );
    }
  }

  private async requireActive(alias: string): Promise<KeyringKeyRecord> {
    KeyringManager.assertAlias(alias);
    const active = await this.store.getActiveKeyringKey(alias);
    if (active === undefined) {
      throw new CryptoError(CryptoErrorCode.UnknownKey, `no keyring named ${alias}`);
    }
    return active;
  }

  private async setDisabled(alias: string, version: number, at: Date | null): Promise<void> {
    if (!(await this.store.setKeyringKeyDisabled(alias, version, at))) {
      throw new CryptoError(CryptoErrorCode.UnknownKey, `no keyring key ${alias} v${version}`);
    }
    this.clearCache();
  }

  private async createVersion(
    alias: string,
    version: number,
    type: KeyringKeyType,
  ): Promise<KeyringKeyRecord> {
    const provider = this.providers.active;
    if (!provider.capabilities.canEncrypt) {
      throw new CryptoError(
        CryptoErrorCode.ProviderCannotEncrypt,
        `${provider.rootKeyId} cannot wrap keys`,
      );
    }
    const { secret: plaintext, publicKey } = KeyMaterial.generate(type);
    const wrappedKey = await provider.wrapDataKey(
      plaintext,
      KeyringManager.context(alias, version),
    );
    const stored = await this.store.putKeyringKeyIfAbsent({
      alias,
      version,
      rootKeyId: provider.rootKeyId,
      wrappedKey,
      createdAt: new Date(this.now()),
      type,
      ...(publicKey === undefined ? {} : { publicKey }),
    });
    if (stored.wrappedKey.equals(wrappedKey)) {
      this.cache.put(KeyringManager.cacheId(alias, version, type), plaintext);
    } else {
      plaintext.fill(0);
    }
    this.active.set(alias, { version: stored.version, expiresAt: this.now() + this.activeTtlMs });
    return stored;
  }

  private async unwrapIntoCache(
    alias: string,
    version: number,
    type: KeyringKeyType,
    id: string,
  ): Promise<void> {
    const generation = this.generation;
    const record = await this.usableRecord(alias, version, type);
    const provider = this.providers.get(record.rootKeyId);
    this.unwraps += 1;
    const plaintext = await provider.unwrapDataKey(
      record.wrappedKey,
      KeyringManager.context(alias, version),
    );
    if (generation !== this.generation) {
      try {
        await this.usableRecord(alias, version, type);
      } catch (error) {
        plaintext.fill(0);
        throw error;
      }
    }
    this.cache.put(id, plaintext);
  }

  private static context(alias: string, version: number): EncryptionContext {
    return { purpose: 'keyring-key', alias, version: String(version) };
  }
}
