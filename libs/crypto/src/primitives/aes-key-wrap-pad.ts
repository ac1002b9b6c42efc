import { createCipheriv, createDecipheriv } from 'node:crypto';
import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { CryptoError } from '../errors/crypto-error';

const ALTERNATIVE_IV = Buffer.from('a65959a6', 'hex');

function cipherName(key: Uint8Array): string {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
    throw new CryptoError(
      CryptoErrorCode.InvalidArgument,
      'AES-KWP key must be 16, 24 or 32 bytes',
    );
  }
  return `id-aes${key.length * 8}-wrap-pad`;
}

/** AES key wrap with padding (RFC 5649) through OpenSSL's id-aesNNN-wrap-pad. */
export class AesKeyWrapPad {
  static wrap(kek: Uint8Array, keyData: Uint8Array): Buffer {
    if (keyData.length === 0) {
      throw new CryptoError(CryptoErrorCode.InvalidArgument, 'AES-KWP input must not be empty');
    }
    const cipher = createCipheriv(cipherName(kek), kek, ALTERNATIVE_IV);
    return Buffer.concat([cipher.update(keyData), cipher.final()]);
  }

  static unwrap(kek: Uint8Array, wrapped: Uint8Array): Buffer {
    const name = cipherName(kek);
    if (wrapped.length < 16 || wrapped.length % 8 !== 0) {
      throw new CryptoError(
        CryptoErrorCode.Malformed,
        'AES-KWP input must be >= 16 bytes, a multiple of 8',
      );
    }
    try {
      const decipher = createDecipheriv(name, kek, ALTERNATIVE_IV);
      return Buffer.concat([decipher.update(wrapped), decipher.final()]);
    } catch (cause) {
      throw new CryptoError(
        CryptoErrorCode.AuthenticationFailed,
        'AES-KWP integrity check failed',
        { cause },
      );
    }
  }
}
