import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { CryptoError } from '../errors/crypto-error';
import { Hkdf } from '../primitives/hkdf';
import { HmacSha256 } from '../primitives/hmac-sha256';

export interface BlindIndexOptions {
  /** Remove leading and trailing white space before hashing. */
  readonly trim?: boolean;
  /** Lower-case (locale-independent) before hashing, for case-insensitive look-ups. */
  readonly lowercase?: boolean;
  /** Output length in bytes, 8..32 (default 16); shorter means more collisions, less leakage. */
  readonly bytes?: number;
}

const SALT = Buffer.from('privacy-service/blind-index/v1', 'utf8');

/**
 * Blind indexes for equality look-ups: HMAC-SHA-256 under a key derived per field with HKDF from
 * the caller's root secret, truncated, base64url. Values are NFC-normalised first so that
 * canonically equal strings match. Field keys are derived once and kept.
 */
export class BlindIndexer {
  private readonly root: Buffer;
  private readonly fieldKeys = new Map<string, Buffer>();

  constructor(
    rootSecret: Buffer,
    private readonly defaults: BlindIndexOptions = {},
  ) {
    if (rootSecret.length < 32) {
      throw new CryptoError(
        CryptoErrorCode.InvalidConfig,
        'blind index root secret must be >= 32 bytes',
      );
    }
    this.root = Buffer.from(rootSecret);
  }

  compute(field: string, value: string, options: BlindIndexOptions = {}): string {
    if (field.length === 0 || typeof value !== 'string') {
      throw new CryptoError(
        CryptoErrorCode.InvalidArgument,
        'blind index needs a field name and a string value',
      );
    }
    const { trim = false, lowercase = false, bytes = 16 } = { ...this.defaults, ...options };
    if (!Number.isInteger(bytes) || bytes < 8 || bytes > HmacSha256.outputBytes) {
      throw new CryptoError(
        CryptoErrorCode.InvalidArgument,
        'blind index length must be 8..32 bytes',
      );
    }
    let normalised = value.normalize('NFC');
    if (trim) {
      normalised = normalised.trim();
    }
    if (lowercase) {
      normalised = normalised.toLowerCase();
    }
    return HmacSha256.compute(this.fieldKey(field), normalised)
      .subarray(0, bytes)
      .toString('base64url');
  }

  private fieldKey(field: string): Buffer {
    let key = this.fieldKeys.get(field);
    if (key === undefined) {
      key = Hkdf.sha256(this.root, SALT, Buffer.from(`field:${field}`, 'utf8'), 32);
      this.fieldKeys.set(field, key);
    }
    return key;
  }
}
