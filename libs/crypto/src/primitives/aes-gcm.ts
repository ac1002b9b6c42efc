import { createCipheriv, createDecipheriv, type CipherGCMTypes } from 'node:crypto';
import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { CryptoError } from '../errors/crypto-error';

const TAG_BYTES = 16;
/** Node's OpenSSL binding refuses longer GCM nonces. */
const MAX_NONCE_BYTES = 256;

function checkNonce(nonce: Uint8Array): void {
  if (nonce.length === 0 || nonce.length > MAX_NONCE_BYTES) {
    throw new CryptoError(
      CryptoErrorCode.InvalidArgument,
      `AES-GCM nonce must be 1..${MAX_NONCE_BYTES} bytes`,
    );
  }
}

function cipherName(key: Uint8Array): CipherGCMTypes {
  switch (key.length) {
    case 16:
      return 'aes-128-gcm';
    case 24:
      return 'aes-192-gcm';
    case 32:
      return 'aes-256-gcm';
    default:
      throw new CryptoError(
        CryptoErrorCode.InvalidArgument,
        `AES-GCM key must be 16, 24 or 32 bytes`,
      );
  }
}

/**
 * AES-GCM with a 128-bit tag. Output and input are `ciphertext || tag`. Nonces of any non-zero
 * length up to 256 bytes are accepted so that the primitive can be checked against test vectors; the library's
 * own callers always pass 96-bit random nonces.
 */
export class AesGcm {
  static encrypt(
    key: Uint8Array,
    nonce: Uint8Array,
    plaintext: Uint8Array,
    aad?: Uint8Array,
  ): Buffer {
    return AesGcm.encryptFramed(key, nonce, plaintext, aad);
  }

  /**
   * `prefix || nonce || ciphertext || tag` in one allocation (`nonce` only when `withNonce`), so
   * that framed formats cost no extra copies.
   */
  static encryptFramed(
    key: Uint8Array,
    nonce: Uint8Array,
    plaintext: Uint8Array,
    aad?: Uint8Array,
    prefix?: Uint8Array,
    withNonce = false,
  ): Buffer {
    checkNonce(nonce);
    const cipher = createCipheriv(cipherName(key), key, nonce, { authTagLength: TAG_BYTES });
    if (aad !== undefined && aad.length > 0) {
      cipher.setAAD(aad);
    }
    const body = cipher.update(plaintext);
    // GCM is a stream mode: final() emits nothing but computes the tag.
    cipher.final();
    const prefixLength = prefix?.length ?? 0;
    const nonceLength = withNonce ? nonce.length : 0;
    const out = Buffer.allocUnsafe(prefixLength + nonceLength + body.length + TAG_BYTES);
    if (prefix !== undefined) {
      out.set(prefix, 0);
    }
    if (withNonce) {
      out.set(nonce, prefixLength);
    }
    body.copy(out, prefixLength + nonceLength);
    cipher.getAuthTag().copy(out, prefixLength + nonceLength + body.length);
    return out;
  }

  static decrypt(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Buffer {
    checkNonce(nonce);
    if (sealed.length < TAG_BYTES) {
      throw new CryptoError(CryptoErrorCode.Malformed, 'AES-GCM input shorter than its tag');
    }
    const split = sealed.length - TAG_BYTES;
    const decipher = createDecipheriv(cipherName(key), key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(sealed.subarray(split));
    if (aad !== undefined && aad.length > 0) {
      decipher.setAAD(aad);
    }
    const head = decipher.update(sealed.subarray(0, split));
    try {
      // GCM emits nothing on final(); it only checks the tag.
      decipher.final();
      return head;
    } catch (cause) {
      head.fill(0);
      throw new CryptoError(CryptoErrorCode.AuthenticationFailed, 'AES-GCM authentication failed', {
        cause,
      });
    }
  }
}
