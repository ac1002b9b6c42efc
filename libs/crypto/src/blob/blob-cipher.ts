import { PassThrough, type Duplex, type Readable } from 'node:stream';
import {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  type MessageHeader,
} from '@aws-crypto/client-node';
import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { CryptoError } from '../errors/crypto-error';
import type { EncryptionContext } from '../field/encryption-context.codec';
import { KeyringManager } from '../keys/keyring.manager';
import { HierarchyKeyring } from './hierarchy.keyring';

export interface BlobCipherOptions {
  readonly keyring: KeyringManager;
  readonly defaultAlias: string;
  /** Messages with more encrypted data keys are refused before any key is tried (default 1). */
  readonly maxEncryptedDataKeys?: number;
  /** Plaintext bytes per frame (default 64 KiB); memory stays around a few frames. */
  readonly frameLength?: number;
}

const SUITE = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY;

/**
 * Streaming encryption of large objects in the AWS Encryption SDK message format: committing,
 * non-signing suite, framed, data key wrapped by a keyring data key (see HierarchyKeyring).
 * Errors surface on the returned stream as CryptoError.
 */
export class BlobCipher {
  private readonly keyring: KeyringManager;
  private readonly defaultAlias: string;
  private readonly frameLength: number;
  private readonly client: ReturnType<typeof buildClient>;

  constructor(options: BlobCipherOptions) {
    KeyringManager.assertAlias(options.defaultAlias);
    this.keyring = options.keyring;
    this.defaultAlias = options.defaultAlias;
    this.frameLength = options.frameLength ?? 64 * 1024;
    this.client = buildClient({
      commitmentPolicy: CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT,
      maxEncryptedDataKeys: options.maxEncryptedDataKeys ?? 1,
    });
  }

  encrypt(
    source: Readable,
    options: { alias?: string; context?: EncryptionContext } = {},
  ): Readable {
    const alias = options.alias ?? this.defaultAlias;
    KeyringManager.assertAlias(alias);
    const sdk = this.client.encryptStream(new HierarchyKeyring(this.keyring, alias), {
      suiteId: SUITE,
      frameLength: this.frameLength,
      encryptionContext: { ...options.context },
    });
    return BlobCipher.guarded(source, sdk, CryptoErrorCode.ProviderFailure);
  }

  /** Decrypts; with `context`, every pair must be in the message's encryption context. */
  decrypt(source: Readable, options: { context?: EncryptionContext } = {}): Readable {
    const sdk = this.client.decryptUnsignedMessageStream(
      new HierarchyKeyring(this.keyring, this.defaultAlias),
    );
    const expected = options.context ?? {};
    sdk.once('MessageHeader', (header: MessageHeader) => {
      for (const [key, value] of Object.entries(expected)) {
        if (header.encryptionContext[key] !== value) {
          sdk.destroy(
            new CryptoError(CryptoErrorCode.AuthenticationFailed, 'blob context does not match'),
          );
          return;
        }
      }
    });
    return BlobCipher.guarded(source, sdk, CryptoErrorCode.AuthenticationFailed);
  }

  /**
   * source → SDK stream → output, where a failure anywhere destroys the output with a CryptoError
   * (stream.pipeline would hand the reader the SDK's own error first).
   */
  private static guarded(source: Readable, transform: Duplex, code: CryptoErrorCode): Readable {
    const out = new PassThrough();
    let failed = false;
    // The SDK's duplex can emit several errors (and "premature close") for one failure; the first wins.
    const fail = (error: Error): void => {
      if (failed) {
        return;
      }
      failed = true;
      source.unpipe(transform);
      transform.unpipe(out);
      source.destroy();
      transform.destroy();
      out.destroy(
        error instanceof CryptoError
          ? error
          : new CryptoError(code, `blob stream failed: ${error.message}`, { cause: error }),
      );
    };
    source.on('error', fail);
    transform.on('error', fail);
    source.pipe(transform).pipe(out);
    return out;
  }
}
