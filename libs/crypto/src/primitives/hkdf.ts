import { hkdfSync } from 'node:crypto';
import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { CryptoError } from '../errors/crypto-error';

const MAX_OUTPUT = 255 * 32;

/** HKDF-SHA-256 (RFC 5869). Output longer than 255 hash lengths is refused, as the RFC requires. */
export class Hkdf {
  static sha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Buffer {
    if (!Number.isInteger(length) || length <= 0 || length > MAX_OUTPUT) {
      throw new CryptoError(
        CryptoErrorCode.InvalidArgument,
        `HKDF output length must be 1..${MAX_OUTPUT}`,
      );
    }
    return Buffer.from(hkdfSync('sha256', ikm, salt, info, length));
  }
}
