import { constants, timingSafeEqual } from 'node:crypto';
import { RawRsaKeyringNode } from '@aws-crypto/client-node';
import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { CryptoError } from '../errors/crypto-error';
import { EncryptionContextCodec, type EncryptionContext } from '../field/encryption-context.codec';
import { HmacSha256 } from '../primitives/hmac-sha256';
import { KeyProviderKind } from './key-provider-kind.enum';
import type { RsaKeyProviderConfig } from './key-provider.config';
import type {
  GeneratedDataKey,
  KeyProvider,
  KeyProviderCapabilities,
} from './key-provider.interface';
import { RsaKeyLoader, type LoadedRsaKey } from './rsa-key.loader';
import { SdkKeyringAdapter } from './sdk-keyring.adapter';

const NAMESPACE = 'privacy-service/rsa';
const BINDING_BYTES = 16;
const BINDING_LABEL = Buffer.from('privacy-service/rsa-context-binding\0', 'utf8');

/**
 * RSA-OAEP-SHA-256 wrapping through the SDK raw RSA keyring. With only a public key it is a
 * write-only provider: it wraps new keys but refuses to unwrap.
 *
 * RSA-OAEP in the SDK keyring does not bind the encryption context, so the stored form appends
 * HMAC-SHA-256(dataKey, label || context) truncated to 16 bytes, checked after unwrapping: a
 * wrapped key presented with another context is refused as with the other providers.
 */
export class RsaProvider implements KeyProvider {
  readonly kind = KeyProviderKind.Rsa;
  readonly rootKeyId: string;
  readonly capabilities: KeyProviderCapabilities;
  private readonly adapter: SdkKeyringAdapter;

  constructor(config: Omit<RsaKeyProviderConfig, 'kind'>) {
    if (config.keyName.length === 0) {
      throw new CryptoError(CryptoErrorCode.InvalidConfig, 'RSA root key needs a name');
    }
    const key: LoadedRsaKey =
      config.pkcs12 !== undefined
        ? RsaKeyLoader.fromPkcs12(config.pkcs12.der, config.pkcs12.password)
        : RsaKeyLoader.fromPem(config);
    this.rootKeyId = `rsa:${config.keyName}`;
    this.capabilities = { canEncrypt: true, canDecrypt: key.privateKey !== undefined };
    this.adapter = new SdkKeyringAdapter(
      new RawRsaKeyringNode({
        keyNamespace: NAMESPACE,
        keyName: config.keyName,
        rsaKey: {
          publicKey: key.publicKey.export({ type: 'spki', format: 'pem' }),
          privateKey: key.privateKey?.export({ type: 'pkcs8', format: 'pem' }),
        },
        padding: constants.RSA_PKCS1_OAEP_PADDING,
        // Set explicitly: the keyring's default OAEP digest is SHA-1.
        oaepHash: 'sha256',
      }),
    );
  }

  async generateDataKey(context: EncryptionContext): Promise<GeneratedDataKey> {
    const { plaintext, wrapped } = await this.adapter.generate(context);
    return {
      plaintext,
      wrapped: Buffer.concat([wrapped, RsaProvider.binding(plaintext, context)]),
    };
  }

  async wrapDataKey(plaintext: Buffer, context: EncryptionContext): Promise<Buffer> {
    const wrapped = await this.adapter.wrap(plaintext, context);
    return Buffer.concat([wrapped, RsaProvider.binding(plaintext, context)]);
  }

  async unwrapDataKey(wrapped: Buffer, context: EncryptionContext): Promise<Buffer> {
    if (!this.capabilities.canDecrypt) {
      throw new CryptoError(
        CryptoErrorCode.ProviderCannotDecrypt,
        `${this.rootKeyId} holds only a public key`,
      );
    }
    if (wrapped.length <= BINDING_BYTES) {
      throw new CryptoError(CryptoErrorCode.Malformed, 'wrapped data key is truncated');
    }
    const split = wrapped.length - BINDING_BYTES;
    const plaintext = await this.adapter.unwrap(wrapped.subarray(0, split), context);
    if (!timingSafeEqual(RsaProvider.binding(plaintext, context), wrapped.subarray(split))) {
      plaintext.fill(0);
      throw new CryptoError(
        CryptoErrorCode.AuthenticationFailed,
        'data key is bound to another context',
      );
    }
    return plaintext;
  }

  async close(): Promise<void> {}

  private static binding(dataKey: Buffer, context: EncryptionContext): Buffer {
    const message = Buffer.concat([BINDING_LABEL, EncryptionContextCodec.canonical(context)]);
    return HmacSha256.compute(dataKey, message).subarray(0, BINDING_BYTES);
  }
}
