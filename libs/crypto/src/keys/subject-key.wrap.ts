import { randomBytes } from 'node:crypto';
import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { CryptoError } from '../errors/crypto-error';
import { AesGcm } from '../primitives/aes-gcm';

export interface SubjectKeyBinding {
  readonly subjectRef: string;
  readonly keyId: string;
  readonly alias: string;
  readonly keyringVersion: number;
}

const WRAPPED_BYTES = 12 + 32 + 16;

/**
 * Local wrapping of subject keys under a keyring key: AES-256-GCM, nonce || ciphertext || tag,
 * bound (AAD) to the subject reference, key id and the keyring version that wraps it.
 */
export class SubjectKeyWrap {
  static seal(keyringKey: Buffer, binding: SubjectKeyBinding, subjectKey: Buffer): Buffer {
    const nonce = randomBytes(12);
    return Buffer.concat([
      nonce,
      AesGcm.encrypt(keyringKey, nonce, subjectKey, SubjectKeyWrap.aad(binding)),
    ]);
  }

  static open(keyringKey: Buffer, binding: SubjectKeyBinding, wrapped: Buffer): Buffer {
    if (wrapped.length !== WRAPPED_BYTES) {
      throw new CryptoError(CryptoErrorCode.Malformed, 'wrapped subject key has the wrong length');
    }
    return AesGcm.decrypt(
      keyringKey,
      wrapped.subarray(0, 12),
      wrapped.subarray(12),
      SubjectKeyWrap.aad(binding),
    );
  }

  private static aad(binding: SubjectKeyBinding): Buffer {
    return Buffer.from(
      `privacy-service/subject-key/v1\u0000${binding.subjectRef}\u0000${binding.keyId}\u0000${binding.alias}\u0000${binding.keyringVersion}`,
      'utf8',
    );
  }
}
