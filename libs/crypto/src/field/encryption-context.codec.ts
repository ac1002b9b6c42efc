import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { CryptoError } from '../errors/crypto-error';

/** A flat map of strings bound to a ciphertext as additional authenticated data. */
export type EncryptionContext = Readonly<Record<string, string>>;

const EMPTY = Buffer.alloc(0);
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Canonical bytes of a context: keys sorted by UTF-16 code unit, each key and value written as
 * its length in UTF-16 code units, a colon and the text, all UTF-8 encoded. Length prefixes make
 * the encoding injective; building one string and encoding it once keeps it cheap per call.
 */
export class EncryptionContextCodec {
  static validate(context: unknown): asserts context is EncryptionContext {
    EncryptionContextCodec.canonicalText(context);
  }

  static canonical(context: EncryptionContext | undefined): Buffer {
    if (context === undefined) {
      return EMPTY;
    }
    const text = EncryptionContextCodec.canonicalText(context);
    return text.length === 0 ? EMPTY : Buffer.from(text, 'utf8');
  }

  private static canonicalText(context: unknown): string {
    if (context === null || typeof context !== 'object' || Array.isArray(context)) {
      throw new CryptoError(
        CryptoErrorCode.InvalidArgument,
        'context must be a flat map of strings',
      );
    }
    const map = context as Record<string, unknown>;
    const keys = Object.keys(map).sort();
    let text = '';
    for (const key of keys) {
      const value = map[key];
      if (typeof value !== 'string') {
        throw new CryptoError(CryptoErrorCode.InvalidArgument, 'context values must be strings');
      }
      text += `${key.length}:${key}${value.length}:${value}`;
    }
    // Lone surrogates become U+FFFD in UTF-8, so two different maps could share an encoding.
    if (LONE_SURROGATE.test(text)) {
      throw new CryptoError(
        CryptoErrorCode.InvalidArgument,
        'context must hold well-formed strings',
      );
    }
    return text;
  }
}
