import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { CryptoError } from '../errors/crypto-error';
import { AesGcm } from '../primitives/aes-gcm';
import { NoncePool } from '../primitives/nonce.pool';

export interface SubjectKeyBinding {
  readonly subjectRef: string;
  readonly keyId: string;
  readonly alias: string;
  readonly keyringVersion: number;
}

const WRAPPED_BYTES = 12 + 32 + 16;
const AAD_LABEL = 'privacy-service/subject-key/v1\u0000';

/** One randomBytes call per key cost more than the wrap itself in a rotation's re-wrap. */
const nonces = new NoncePool();

/**
 * Local wrapping of subject keys under a keyring key: AES-256-GCM, nonce || ciphertext || tag,
 * bound (AAD) to the subject reference, key id and the keyring version that wraps it.
 */
export class SubjectKeyWrap {
  static seal(keyringKey: Buffer, binding: SubjectKeyBinding, subjectKey: Buffer): Buffer {
    return SubjectKeyWrap.sealAt(keyringKey, binding, binding.keyringVersion, subjectKey);
  }

  static open(keyringKey: Buffer, binding: SubjectKeyBinding, wrapped: Buffer): Buffer {
    if (wrapped.length !== WRAPPED_BYTES) {
      throw new CryptoError(CryptoErrorCode.Malformed, 'wrapped subject key has the wrong length');
    }
    return AesGcm.decrypt(
      keyringKey,
      wrapped.subarray(0, 12),
      wrapped.subarray(12),
      SubjectKeyWrap.aad(binding, binding.keyringVersion),
    );
  }

  /**
   * Opens a key wrapped under `binding.keyringVersion` with `fromKey` and seals it under
   * `toVersion` with `toKey`; the subject key exists only inside this call.
   */
  static rewrap(
    fromKey: Buffer,
    toKey: Buffer,
    binding: SubjectKeyBinding,
    toVersion: number,
    wrapped: Buffer,
  ): Buffer {
    const subjectKey = SubjectKeyWrap.open(fromKey, binding, wrapped);
    try {
      return SubjectKeyWrap.sealAt(toKey, binding, toVersion, subjectKey);
    } finally {
      subjectKey.fill(0);
    }
  }

  private static sealAt(
    keyringKey: Buffer,
    binding: SubjectKeyBinding,
    keyringVersion: number,
    subjectKey: Buffer,
  ): Buffer {
    return AesGcm.encryptFramed(
      keyringKey,
      nonces.next(),
      subjectKey,
      SubjectKeyWrap.aad(binding, keyringVersion),
      undefined,
      true,
    );
  }

  private static aad(binding: SubjectKeyBinding, keyringVersion: number): Buffer {
    return Buffer.from(
      `${AAD_LABEL}${binding.subjectRef}\u0000${binding.keyId}\u0000${binding.alias}\u0000${keyringVersion}`,
      'utf8',
    );
  }
}
