import { BlindIndexer, type BlindIndexOptions } from './blind-index/blind-index';
import { BlobCipher } from './blob/blob-cipher';
import { DataKeyCipher } from './data-keys/data-key.cipher';
import { FieldCipher } from './field/field-cipher';
import { FieldBatchThreads, type CryptoThreadLost } from './field/threads/field-batch.threads';
import type { DataKeyCacheLimits } from './keys/data-key.cache';
import type { KeyStore } from './keys/key-store.port';
import type { KeyringSettings } from './keys/key-store.port';
import { KeyringManager, type KeyringSettingsPatch } from './keys/keyring.manager';
import { ManagedKeys } from './managed/managed-keys';
import { SubjectKeyManager } from './keys/subject-key.manager';
import { SubjectKeyRewrapper } from './keys/subject-key.rewrapper';
import { SubjectRefDeriver } from './keys/subject-ref.deriver';
import type { ProviderRegistry } from './providers/provider-registry';

export interface EnvelopeCryptoOptions {
  readonly store: KeyStore;
  readonly providers: ProviderRegistry;
  readonly defaultAlias: string;
  /** >= 32 bytes; pseudonymises subject ids before they reach the store. */
  readonly subjectRefSecret: Buffer;
  /** >= 32 bytes; root of the per-field blind index keys. */
  readonly blindIndexSecret: Buffer;
  readonly blindIndexDefaults?: BlindIndexOptions;
  readonly keyringCache?: Partial<DataKeyCacheLimits>;
  readonly subjectCache?: Partial<DataKeyCacheLimits>;
  readonly maxEncryptedDataKeys?: number;
  readonly now?: () => number;
  /** Threads for large field batches (FieldBatchThreads); none when absent or 0. */
  readonly fieldThreads?: number;
  /** Hears of a field thread that stopped unasked; its batches ran again inline. */
  readonly onFieldThreadLost?: (error: CryptoThreadLost) => void;
}

/** The whole hierarchy wired once; the service's module holds one instance. */
export class EnvelopeCrypto {
  readonly keyring: KeyringManager;
  readonly subjects: SubjectKeyManager;
  readonly fields: FieldCipher;
  readonly dataKeys: DataKeyCipher;
  readonly blindIndex: BlindIndexer;
  readonly blobs: BlobCipher;
  readonly rewrapper: SubjectKeyRewrapper;
  readonly managed: ManagedKeys;
  private readonly threads: FieldBatchThreads | undefined;

  constructor(private readonly options: EnvelopeCryptoOptions) {
    const { store, providers, defaultAlias, now } = options;
    this.keyring = new KeyringManager({ store, providers, cache: options.keyringCache, now });
    this.subjects = new SubjectKeyManager({
      store,
      keyring: this.keyring,
      refs: new SubjectRefDeriver(options.subjectRefSecret),
      cache: options.subjectCache,
      now,
    });
    this.threads =
      options.fieldThreads !== undefined && options.fieldThreads > 0
        ? new FieldBatchThreads(options.fieldThreads, options.onFieldThreadLost)
        : undefined;
    this.fields = new FieldCipher({
      keyring: this.keyring,
      subjects: this.subjects,
      defaultAlias,
      threads: this.threads,
    });
    this.dataKeys = new DataKeyCipher({ keyring: this.keyring, defaultAlias });
    this.blindIndex = new BlindIndexer(options.blindIndexSecret, options.blindIndexDefaults);
    this.blobs = new BlobCipher({
      keyring: this.keyring,
      defaultAlias,
      maxEncryptedDataKeys: options.maxEncryptedDataKeys,
    });
    this.rewrapper = new SubjectKeyRewrapper(store, this.keyring);
    this.managed = new ManagedKeys(this.keyring);
  }

  /*
   * Policy changes empty both caches: subject keys wrapped under a version that just became
   * unusable must be unwrapped (and refused) again.
   */

  async disableKeyringVersion(alias: string, version: number): Promise<void> {
    await this.keyring.disableVersion(alias, version);
    this.subjects.clearCache();
  }

  async enableKeyringVersion(alias: string, version: number): Promise<void> {
    await this.keyring.enableVersion(alias, version);
    this.subjects.clearCache();
  }

  async updateKeyringSettings(
    alias: string,
    patch: KeyringSettingsPatch,
  ): Promise<KeyringSettings> {
    const settings = await this.keyring.updateSettings(alias, patch);
    this.subjects.clearCache();
    return settings;
  }

  /** Stops the field threads, drops cached keys (zeroed) and closes every provider. */
  async close(): Promise<void> {
    await this.threads?.close();
    this.keyring.clearCache();
    this.subjects.clearCache();
    await this.options.providers.closeAll();
  }
}
