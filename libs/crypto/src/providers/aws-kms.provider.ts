import { KMS, KmsKeyringNode } from '@aws-crypto/client-node';
import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { CryptoError } from '../errors/crypto-error';
import type { EncryptionContext } from '../field/encryption-context.codec';
import { KeyProviderKind } from './key-provider-kind.enum';
import type { AwsKmsKeyProviderConfig } from './key-provider.config';
import type {
  GeneratedDataKey,
  KeyProvider,
  KeyProviderCapabilities,
} from './key-provider.interface';
import { SdkKeyringAdapter } from './sdk-keyring.adapter';

const KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):\d{12}:key\/[A-Za-z0-9-]+$/;

/** A KMS key through the SDK KMS keyring (GenerateDataKey, Encrypt, Decrypt) and @aws-sdk/client-kms. */
export class AwsKmsProvider implements KeyProvider {
  readonly kind = KeyProviderKind.AwsKms;
  readonly rootKeyId: string;
  readonly capabilities: KeyProviderCapabilities = { canEncrypt: true, canDecrypt: true };
  private readonly client: KMS;
  private readonly adapter: SdkKeyringAdapter;

  constructor(config: Omit<AwsKmsKeyProviderConfig, 'kind'>) {
    const match = KEY_ARN.exec(config.keyArn);
    if (match === null) {
      throw new CryptoError(CryptoErrorCode.InvalidConfig, 'aws-kms needs a full key ARN');
    }
    this.rootKeyId = `aws-kms:${config.keyArn}`;
    this.client = new KMS({
      region: match[1],
      endpoint: config.endpoint,
      credentials: config.credentials,
      maxAttempts: 3,
    });
    this.adapter = new SdkKeyringAdapter(
      new KmsKeyringNode({ generatorKeyId: config.keyArn, clientProvider: () => this.client }),
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
    this.client.destroy();
  }
}
