import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { CryptoError } from '../errors/crypto-error';

/** A flat map of strings bound to a ciphertext as additional authenticated data. */
export type EncryptionContext = Readonly<Record<string, string>>;

const EMPTY = Buffer.alloc(0);

/**
 * Canonical bytes of a context: keys sorted by UTF-16 code unit, each key and value as a 4-byte
 * big-endian length and its UTF-8 bytes, so that no two distinct maps share an encoding.
 */
export class EncryptionContextCodec {
  static validate(context: unknown): asserts context is EncryptionContext {
    if (context === null || typeof context !== 'object' || Array.isArray(context)) {
      throw new CryptoError(
        CryptoErrorCode.InvalidArgument,
        'context must be a flat map of strings',
      );
    }
    for (const value of Object.values(context)) {
      if (typeof value !== 'string') {
        throw new CryptoError(CryptoErrorCode.InvalidArgument, 'context values must be strings');
      }
    }
  }

  static canonical(context: EncryptionContext | undefined): Buffer {
    if (context === undefined) {
      return EMPTY;
    }
    EncryptionContextCodec.validate(context);
    const keys = Object.keys(context).sort();
    if (keys.length === 0) {
      return EMPTY;
    }
    const parts: Buffer[] = [];
    for (const key of keys) {
      parts.push(
        EncryptionContextCodec.lengthPrefixed(key),
        EncryptionContextCodec.lengthPrefixed(context[key]),
      );
    }
    return Buffer.concat(parts);
  }

  private static lengthPrefixed(text: string): Buffer {
    const bytes = Buffer.from(text, 'utf8');
    const out = Buffer.allocUnsafe(4 + bytes.length);
    out.writeUInt32BE(bytes.length, 0);
    bytes.copy(out, 4);
    return out;
  }
}
