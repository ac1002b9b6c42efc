import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { CryptoError } from '../errors/crypto-error';
import { FieldCiphertextCodec } from '../field/field-ciphertext.codec';

/**
 * Wrapped data key, format 1, before base64url: the layout of a field ciphertext without a
 * subject key, under its own lead byte so that neither can pass for the other:
 *
 *   byte 0      0xD1 (data key, format 1)
 *   byte 1      alias length L, then L bytes of alias
 *   varint      keyring version (unsigned LEB128)
 *   12 bytes    nonce
 *   n + 16      the data key (16, 24 or 32 bytes) sealed with AES-256-GCM, and the tag
 *
 * The header (everything before the nonce) and the canonical context are the AAD.
 */
export interface ParsedWrappedDataKey {
  readonly header: Buffer;
  readonly alias: string;
  readonly keyringVersion: number;
  readonly nonce: Buffer;
  readonly sealed: Buffer;
}

const LEAD = 0xd1;
const FORMAT_VERSION = 1;
const TAG_BYTES = 16;
/** Lead byte of an unflagged field ciphertext, whose layout the rest of the header shares. */
const FIELD_LEAD = FieldCiphertextCodec.formatVersion << 4;

export const DATA_KEY_SIZES: readonly number[] = [16, 24, 32];

function malformed(reason: string): CryptoError {
  return new CryptoError(CryptoErrorCode.Malformed, `not a wrapped data key: ${reason}`);
}

export class WrappedDataKeyCodec {
  static readonly formatVersion = FORMAT_VERSION;

  static encodeHeader(alias: string, keyringVersion: number): Buffer {
    const header = FieldCiphertextCodec.encodeHeader(alias, keyringVersion);
    header[0] = LEAD;
    return header;
  }

  static decodeText(text: unknown): Buffer {
    try {
      return FieldCiphertextCodec.decodeText(text);
    } catch {
      throw malformed('not base64url');
    }
  }

  static parse(bytes: Buffer): ParsedWrappedDataKey {
    if (bytes.length === 0 || bytes[0] !== LEAD) {
      throw malformed('unknown format');
    }
    // The field codec checks alias, version and lengths on a copy carrying its lead byte.
    const view = Buffer.from(bytes);
    view[0] = FIELD_LEAD;
    let headerLength: number;
    let alias: string;
    let keyringVersion: number;
    try {
      const parsed = FieldCiphertextCodec.parse(view);
      headerLength = parsed.header.length;
      alias = parsed.alias;
      keyringVersion = parsed.keyringVersion;
    } catch {
      throw malformed('bad header');
    }
    const sealed = bytes.subarray(headerLength + 12);
    if (!DATA_KEY_SIZES.includes(sealed.length - TAG_BYTES)) {
      throw malformed('bad key length');
    }
    return {
      header: bytes.subarray(0, headerLength),
      alias,
      keyringVersion,
      nonce: bytes.subarray(headerLength, headerLength + 12),
      sealed,
    };
  }
}
