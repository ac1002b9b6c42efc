import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { CryptoError } from '../errors/crypto-error';
import type { KeyProvider } from './key-provider.interface';

/**
 * The active root key plus the retired ones that must still unwrap keyring keys until those are
 * re-wrapped. Rotating the root means building a registry with a new active provider.
 */
export class ProviderRegistry {
  private readonly byId = new Map<string, KeyProvider>();

  constructor(
    readonly active: KeyProvider,
    retired: readonly KeyProvider[] = [],
  ) {
    for (const provider of [active, ...retired]) {
      if (this.byId.has(provider.rootKeyId)) {
        throw new CryptoError(
          CryptoErrorCode.InvalidConfig,
          `root key ${provider.rootKeyId} configured twice`,
        );
      }
      this.byId.set(provider.rootKeyId, provider);
    }
  }

  get(rootKeyId: string): KeyProvider {
    const provider = this.byId.get(rootKeyId);
    if (provider === undefined) {
      throw new CryptoError(CryptoErrorCode.UnknownKey, `root key ${rootKeyId} is not configured`);
    }
    return provider;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.byId.values()].map((provider) => provider.close()));
  }
}
