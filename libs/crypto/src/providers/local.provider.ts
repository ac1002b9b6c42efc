import { RawAesKeyringNode, RawAesWrappingSuiteIdentifier } from '@aws-crypto/client-node';
import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { CryptoError } from '../errors/crypto-error';
import type { EncryptionContext } from '../field/encryption-context.codec';
import { KeyProviderKind } from './key-provider-kind.enum';
import type { LocalKeyProviderConfig } from './key-provider.config';
import type {
  GeneratedDataKey,
  KeyProvider,
  KeyProviderCapabilities,
} from './key-provider.interface';
import { SdkKeyringAdapter } from './sdk-keyring.adapter';

const NAMESPACE = 'privacy-service/local';

/** AES-256 root key held in process memory, wrapping through the AWS Encryption SDK raw AES keyring. */
export class LocalProvider implements KeyProvider {
  readonly kind = KeyProviderKind.Local;
  readonly rootKeyId: string;
  readonly capabilities: KeyProviderCapabilities = { canEncrypt: true, canDecrypt: true };
  private readonly adapter: SdkKeyringAdapter;
  private readonly rootKey: Buffer;

  constructor(config: Omit<LocalKeyProviderConfig, 'kind'>) {
    if (config.rootKey.length !== 32) {
      throw new CryptoError(
        CryptoErrorCode.InvalidConfig,
        'local root key must be exactly 32 bytes',
      );
    }
    if (config.keyName.length === 0) {
      throw new CryptoError(CryptoErrorCode.InvalidConfig, 'local root key needs a name');
    }
    this.rootKeyId = `local:${config.keyName}`;
    // A private copy, so that close() can zero it without touching the caller's buffer.
    this.rootKey = Buffer.from(config.rootKey);
    this.adapter = new SdkKeyringAdapter(
      new RawAesKeyringNode({
        keyNamespace: NAMESPACE,
        keyName: config.keyName,
        unencryptedMasterKey: new Uint8Array(this.rootKey),
        wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
      }),
    );
  }

  generateDataKey(context: EncryptionContext): Promise<GeneratedDataKey> {
    return this.adapter.generate(context);
  }

  wrapDataKey(plaintext: Buffer, context: EncryptionContext): Promise<Buffer> {
    return this.adapter.wrap(plaintext, context);
  }

  unwrapDataKey(wrapped: Buffer, context: EncryptionContext): Promise<Buffer> {
    return this.adapter.unwrap(wrapped, context);
  }

  async close(): Promise<void> {
    this.rootKey.fill(0);
  }
}
