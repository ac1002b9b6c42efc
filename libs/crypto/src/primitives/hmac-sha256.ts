import { createHmac, timingSafeEqual } from 'node:crypto';
import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { CryptoError } from '../errors/crypto-error';

const MIN_VERIFY_TAG = 16;

/** HMAC-SHA-256. Verification accepts tags truncated to no fewer than 16 bytes, compared in constant time. */
export class HmacSha256 {
  static readonly outputBytes = 32;

  static compute(key: Uint8Array, message: Uint8Array | string): Buffer {
    return createHmac('sha256', key).update(message).digest();
  }

  static verify(key: Uint8Array, message: Uint8Array | string, tag: Uint8Array): boolean {
    if (tag.length < MIN_VERIFY_TAG || tag.length > HmacSha256.outputBytes) {
      throw new CryptoError(CryptoErrorCode.InvalidArgument, 'HMAC tag must be 16..32 bytes');
    }
    const expected = HmacSha256.compute(key, message).subarray(0, tag.length);
    return timingSafeEqual(expected, tag);
  }
}
