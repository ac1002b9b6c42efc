import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { CryptoError } from '../errors/crypto-error';
import { Hkdf } from '../primitives/hkdf';
import { HmacSha256 } from '../primitives/hmac-sha256';

const SALT = Buffer.from('privacy-service/subject-ref/v1', 'utf8');
const REF_BYTES = 16;

/**
 * Turns a subject id (often an email) into the pseudonymous reference under which its key is
 * stored: HMAC-SHA-256 under a key derived from the caller's secret, 128 bits, base64url.
 */
export class SubjectRefDeriver {
  private readonly key: Buffer;

  constructor(secret: Buffer) {
    if (secret.length < 32) {
      throw new CryptoError(
        CryptoErrorCode.InvalidConfig,
        'subject reference secret must be >= 32 bytes',
      );
    }
    this.key = Hkdf.sha256(secret, SALT, Buffer.from('subject-ref', 'utf8'), 32);
  }

  derive(subjectId: string): string {
    if (subjectId.length === 0) {
      throw new CryptoError(CryptoErrorCode.InvalidArgument, 'subject id must not be empty');
    }
    return HmacSha256.compute(this.key, subjectId.normalize('NFC'))
      .subarray(0, REF_BYTES)
      .toString('base64url');
  }
}
