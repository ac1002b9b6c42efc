import { createCipheriv, createDecipheriv } from 'node:crypto';
import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { CryptoError } from '../errors/crypto-error';

const DEFAULT_IV = Buffer.from('a6a6a6a6a6a6a6a6', 'hex');

function cipherName(key: Uint8Array): string {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
    throw new CryptoError(CryptoErrorCode.InvalidArgument, 'AES-KW key must be 16, 24 or 32 bytes');
  }
  return `id-aes${key.length * 8}-wrap`;
}

/**
 * AES key wrap without padding (RFC 3394) through OpenSSL. Policy: keys to wrap must be at least
 * 16 bytes and a multiple of 8; a single 8-byte block (allowed by some implementations, listed
 * as "acceptable" by Wycheproof) is refused, as RFC 3394 requires n >= 2.
 */
export class AesKeyWrap {
  static wrap(kek: Uint8Array, keyData: Uint8Array): Buffer {
    if (keyData.length < 16 || keyData.length % 8 !== 0) {
      throw new CryptoError(
        CryptoErrorCode.InvalidArgument,
        'AES-KW input must be >= 16 bytes, a multiple of 8',
      );
    }
    const cipher = createCipheriv(cipherName(kek), kek, DEFAULT_IV);
    return Buffer.concat([cipher.update(keyData), cipher.final()]);
  }

  static unwrap(kek: Uint8Array, wrapped: Uint8Array): Buffer {
    const name = cipherName(kek);
    if (wrapped.length < 24 || wrapped.length % 8 !== 0) {
      throw new CryptoError(
        CryptoErrorCode.Malformed,
        'AES-KW input must be >= 24 bytes, a multiple of 8',
      );
    }
    try {
      const decipher = createDecipheriv(name, kek, DEFAULT_IV);
      return Buffer.concat([decipher.update(wrapped), decipher.final()]);
    } catch (cause) {
      throw new CryptoError(CryptoErrorCode.AuthenticationFailed, 'AES-KW integrity check failed', {
        cause,
      });
    }
  }
}
