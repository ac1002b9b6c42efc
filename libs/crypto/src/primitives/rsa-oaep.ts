import { constants, privateDecrypt, publicEncrypt, type KeyLike } from 'node:crypto';
import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { CryptoError } from '../errors/crypto-error';

/** RSA-OAEP with SHA-256 for both the OAEP hash and MGF1 (OpenSSL uses the OAEP hash for MGF1). */
export class RsaOaep {
  static encrypt(publicKey: KeyLike, message: Uint8Array, label?: Uint8Array): Buffer {
    return publicEncrypt(
      {
        key: publicKey,
        padding: constants.RSA_PKCS1_OAEP_PADDING,
        oaepHash: 'sha256',
        oaepLabel: label,
      },
      message,
    );
  }

  static decrypt(privateKey: KeyLike, ciphertext: Uint8Array, label?: Uint8Array): Buffer {
    try {
      return privateDecrypt(
        {
          key: privateKey,
          padding: constants.RSA_PKCS1_OAEP_PADDING,
          oaepHash: 'sha256',
          oaepLabel: label,
        },
        ciphertext,
      );
    } catch (cause) {
      throw new CryptoError(CryptoErrorCode.AuthenticationFailed, 'RSA-OAEP decryption failed', {
        cause,
      });
    }
  }
}
