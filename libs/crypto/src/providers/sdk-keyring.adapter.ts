import {
  AlgorithmSuiteIdentifier,
  EncryptedDataKey,
  KeyringNode,
  KeyringTraceFlag,
  NodeAlgorithmSuite,
  NodeDecryptionMaterial,
  NodeEncryptionMaterial,
  unwrapDataKey,
} from '@aws-crypto/client-node';
import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { CryptoError } from '../errors/crypto-error';
import type { EncryptionContext } from '../field/encryption-context.codec';
import type { GeneratedDataKey } from './key-provider.interface';

/** The committing suite fixes the data key length at 32 bytes, what the hierarchy uses. */
const SUITE = new NodeAlgorithmSuite(
  AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY,
);
const CALLER_TRACE = { keyNamespace: 'privacy-service', keyName: 'data-key' } as const;

/**
 * Wraps and unwraps single data keys through an AWS Encryption SDK keyring, using the keyring's
 * own EDK format. The stored form is providerId, providerInfo (raw bytes) and ciphertext, each
 * with a 2-byte length.
 */
export class SdkKeyringAdapter {
  constructor(private readonly keyring: KeyringNode) {}

  async generate(context: EncryptionContext): Promise<GeneratedDataKey> {
    const material = await this.encrypt(new NodeEncryptionMaterial(SUITE, { ...context }));
    const plaintext = Buffer.from(unwrapDataKey(material.getUnencryptedDataKey()));
    material.zeroUnencryptedDataKey();
    return { plaintext, wrapped: SdkKeyringAdapter.encode(material.encryptedDataKeys) };
  }

  async wrap(plaintext: Buffer, context: EncryptionContext): Promise<Buffer> {
    if (plaintext.length !== SUITE.keyLengthBytes) {
      throw new CryptoError(
        CryptoErrorCode.InvalidArgument,
        `data keys must be ${SUITE.keyLengthBytes} bytes`,
      );
    }
    const material = new NodeEncryptionMaterial(SUITE, { ...context }).setUnencryptedDataKey(
      new Uint8Array(plaintext),
      { ...CALLER_TRACE, flags: KeyringTraceFlag.WRAPPING_KEY_GENERATED_DATA_KEY },
    );
    const done = await this.encrypt(material);
    done.zeroUnencryptedDataKey();
    return SdkKeyringAdapter.encode(done.encryptedDataKeys);
  }

  async unwrap(wrapped: Buffer, context: EncryptionContext): Promise<Buffer> {
    const edk = SdkKeyringAdapter.decode(wrapped);
    let material: NodeDecryptionMaterial;
    try {
      material = await this.keyring.onDecrypt(new NodeDecryptionMaterial(SUITE, { ...context }), [
        edk,
      ]);
    } catch (cause) {
      throw new CryptoError(
        CryptoErrorCode.AuthenticationFailed,
        'keyring could not unwrap the data key',
        {
          cause,
        },
      );
    }
    if (!material.hasUnencryptedDataKey) {
      throw new CryptoError(
        CryptoErrorCode.AuthenticationFailed,
        'keyring could not unwrap the data key',
      );
    }
    const plaintext = Buffer.from(unwrapDataKey(material.getUnencryptedDataKey()));
    material.zeroUnencryptedDataKey();
    return plaintext;
  }

  private async encrypt(material: NodeEncryptionMaterial): Promise<NodeEncryptionMaterial> {
    try {
      return await this.keyring.onEncrypt(material);
    } catch (cause) {
      throw new CryptoError(
        CryptoErrorCode.ProviderFailure,
        'keyring could not wrap the data key',
        { cause },
      );
    }
  }

  private static encode(edks: readonly EncryptedDataKey[]): Buffer {
    if (edks.length !== 1) {
      throw new CryptoError(
        CryptoErrorCode.ProviderFailure,
        `expected one encrypted data key, got ${edks.length}`,
      );
    }
    const [edk] = edks;
    // The raw AES keyring puts binary bytes in providerInfo; rawInfo holds them losslessly.
    const info = edk.rawInfo ?? Buffer.from(edk.providerInfo, 'utf8');
    const parts = [Buffer.from(edk.providerId, 'utf8'), info, edk.encryptedDataKey];
    const out: Buffer[] = [];
    for (const part of parts) {
      const length = Buffer.allocUnsafe(2);
      length.writeUInt16BE(part.length, 0);
      out.push(length, Buffer.from(part));
    }
    return Buffer.concat(out);
  }

  private static decode(wrapped: Buffer): EncryptedDataKey {
    const parts: Buffer[] = [];
    let offset = 0;
    for (let i = 0; i < 3; i += 1) {
      if (offset + 2 > wrapped.length) {
        throw new CryptoError(CryptoErrorCode.Malformed, 'wrapped data key is truncated');
      }
      const length = wrapped.readUInt16BE(offset);
      offset += 2;
      if (offset + length > wrapped.length) {
        throw new CryptoError(CryptoErrorCode.Malformed, 'wrapped data key is truncated');
      }
      parts.push(wrapped.subarray(offset, offset + length));
      offset += length;
    }
    if (offset !== wrapped.length) {
      throw new CryptoError(CryptoErrorCode.Malformed, 'wrapped data key has trailing bytes');
    }
    return new EncryptedDataKey({
      providerId: parts[0].toString('utf8'),
      providerInfo: parts[1].toString('utf8'),
      rawInfo: new Uint8Array(parts[1]),
      encryptedDataKey: new Uint8Array(parts[2]),
    });
  }
}
