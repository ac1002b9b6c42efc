import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { CryptoError } from '../errors/crypto-error';
import { AwsKmsProvider } from './aws-kms.provider';
import { KeyProviderKind } from './key-provider-kind.enum';
import type { KeyProviderConfig } from './key-provider.config';
import type { KeyProvider } from './key-provider.interface';
import { LocalProvider } from './local.provider';
import { Pkcs11Provider } from './pkcs11.provider';
import { RsaProvider } from './rsa.provider';

const KINDS: ReadonlySet<string> = new Set(Object.values(KeyProviderKind));

/** Builds a provider from validated configuration; an unknown kind is an error, never a fallback. */
export class KeyProviderFactory {
  static isKind(kind: unknown): kind is KeyProviderKind {
    return typeof kind === 'string' && KINDS.has(kind);
  }

  static async create(config: KeyProviderConfig): Promise<KeyProvider> {
    const kind: unknown = config.kind;
    if (!KeyProviderFactory.isKind(kind)) {
      throw new CryptoError(
        CryptoErrorCode.InvalidConfig,
        `unknown key provider kind: ${String(kind)}`,
      );
    }
    switch (config.kind) {
      case KeyProviderKind.Local:
        return new LocalProvider(config);
      case KeyProviderKind.Rsa:
        return new RsaProvider(config);
      case KeyProviderKind.AwsKms:
        return new AwsKmsProvider(config);
      case KeyProviderKind.Pkcs11:
        return Pkcs11Provider.open(config);
      default:
        return KeyProviderFactory.unreachable(config);
    }
  }

  private static unreachable(config: never): never {
    throw new CryptoError(
      CryptoErrorCode.InvalidConfig,
      `unknown key provider kind: ${JSON.stringify(config)}`,
    );
  }
}
