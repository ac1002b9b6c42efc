import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { CryptoError } from '../errors/crypto-error';

/** A flat map of strings bound to a ciphertext as additional authenticated data. */
export type EncryptionContext = Readonly<Record<string, string>>;

const EMPTY = Buffer.alloc(0);
const LONE_SURROGATE = /\p{Cs}/u;

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
    for (const [key, value] of Object.entries(context)) {
      // Lone surrogates become U+FFFD in UTF-8, so two different maps could share an encoding.
      if (typeof value !== 'string' || LONE_SURROGATE.test(key) || LONE_SURROGATE.test(value)) {
        throw new CryptoError(
          CryptoErrorCode.InvalidArgument,
          'context values must be well-formed strings',
        );
      }
    }
  }

  static canonical(context: EncryptionContext | undefined): Buffer {
    if (context === undefined) {
      return EMPTY;
    }
    EncryptionContextCodec.validate(context);
    const keys = Object.keys(context);
    if (keys.length === 0) {
      return EMPTY;
    }
    keys.sort();
    // One allocation: sizes first, then lengths and bytes written in place.
    let size = 0;
    for (const key of keys) {
      size += 8 + Buffer.byteLength(key, 'utf8') + Buffer.byteLength(context[key], 'utf8');
    }
    const out = Buffer.allocUnsafe(size);
    let offset = 0;
    for (const key of keys) {
      offset = EncryptionContextCodec.writePrefixed(out, offset, key);
      offset = EncryptionContextCodec.writePrefixed(out, offset, context[key]);
    }
    return out;
  }

  private static writePrefixed(out: Buffer, offset: number, text: string): number {
    const written = out.write(text, offset + 4, 'utf8');
    out.writeUInt32BE(written, offset);
    return offset + 4 + written;
  }
}
