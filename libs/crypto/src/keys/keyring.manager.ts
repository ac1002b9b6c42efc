import { randomBytes } from 'node:crypto';
import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { CryptoError } from '../errors/crypto-error';
import type { EncryptionContext } from '../field/encryption-context.codec';
import type { ProviderRegistry } from '../providers/provider-registry';
import { DataKeyCache, type DataKeyCacheLimits } from './data-key.cache';
import type { KeyStore, KeyringKeyRecord } from './key-store.port';

export interface KeyringManagerOptions {
  readonly store: KeyStore;
  readonly providers: ProviderRegistry;
  readonly cache?: Partial<DataKeyCacheLimits>;
  /** How long an instance trusts its idea of an alias's active version (other instances may rotate). */
  readonly activeVersionTtlMs?: number;
  readonly now?: () => number;
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

  static cacheId(alias: string, version: number): string {
    return `${alias}#${version}`;
  }

  /** Version 1 of `alias`, unless the alias already exists (then its active version). */
  async createKeyring(alias: string): Promise<KeyringKeyRecord> {
    KeyringManager.assertAlias(alias);
    return (await this.store.getActiveKeyringKey(alias)) ?? this.createVersion(alias, 1);
  }

  /** A new active version; older versions stay readable. */
  async rotateKeyring(alias: string): Promise<KeyringKeyRecord> {
    KeyringManager.assertAlias(alias);
    const current = await this.store.getActiveKeyringKey(alias);
    return this.createVersion(alias, (current?.version ?? 0) + 1);
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
  take(alias: string, version: number, uses = 1): Buffer | undefined {
    return this.cache.take(KeyringManager.cacheId(alias, version), uses);
  }

  /** Unwraps `alias`/`version` into the cache unless it is there. */
  async load(alias: string, version: number): Promise<void> {
    const id = KeyringManager.cacheId(alias, version);
    const pending = this.loading.get(id);
    if (pending !== undefined) {
      return pending;
    }
    const job = this.unwrapIntoCache(alias, version, id).finally(() => this.loading.delete(id));
    this.loading.set(id, job);
    return job;
  }

  /** Drops every cached key (zeroed) and active-version pointer. */
  clearCache(): void {
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

  private async createVersion(alias: string, version: number): Promise<KeyringKeyRecord> {
    const provider = this.providers.active;
    if (!provider.capabilities.canEncrypt) {
      throw new CryptoError(
        CryptoErrorCode.ProviderCannotEncrypt,
        `${provider.rootKeyId} cannot wrap keys`,
      );
    }
    const plaintext = randomBytes(32);
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
    });
    if (stored.wrappedKey.equals(wrappedKey)) {
      this.cache.put(KeyringManager.cacheId(alias, version), plaintext);
    } else {
      plaintext.fill(0);
    }
    this.active.set(alias, { version: stored.version, expiresAt: this.now() + this.activeTtlMs });
    return stored;
  }

  private async unwrapIntoCache(alias: string, version: number, id: string): Promise<void> {
    const record = await this.store.getKeyringKey(alias, version);
    if (record === undefined) {
      throw new CryptoError(CryptoErrorCode.UnknownKey, `no keyring key ${alias} v${version}`);
    }
    const provider = this.providers.get(record.rootKeyId);
    this.unwraps += 1;
    const plaintext = await provider.unwrapDataKey(
      record.wrappedKey,
      KeyringManager.context(alias, version),
    );
    this.cache.put(id, plaintext);
  }

  private static context(alias: string, version: number): EncryptionContext {
    return { purpose: 'keyring-key', alias, version: String(version) };
  }
}
