import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { CryptoError } from '../errors/crypto-error';

/**
 * Field ciphertext, format 1, before base64url:
 *
 *   byte 0      high nibble: format version (1); low nibble: flags (bit 0: subject key present)
 *   byte 1      alias length L (1..64), then L bytes of alias ([A-Za-z0-9._-])
 *   varint      keyring version (unsigned LEB128, 1..2^32-1, shortest form)
 *   8 bytes     subject key id (only with the subject flag)
 *   12 bytes    nonce
 *   n + 16      AES-256-GCM ciphertext and tag
 *
 * Everything before the nonce (the header) is part of the AAD, followed by the canonical context.
 * Overhead: 30 + L + varint bytes, plus 8 with a subject key (alias "pii", version 1: 35 / 43).
 */
export interface ParsedFieldCiphertext {
  readonly header: Buffer;
  readonly alias: string;
  readonly keyringVersion: number;
  /** base64url of the 8-byte subject key id, when the field is sealed under a subject key. */
  readonly subjectKeyId?: string;
  readonly nonce: Buffer;
  /** Ciphertext followed by the tag. */
  readonly sealed: Buffer;
}

const FORMAT_VERSION = 1;
const FLAG_SUBJECT = 0x01;
const KEY_ID_BYTES = 8;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const MAX_VERSION = 0xffffffff;
const ALIAS_BYTE = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-') {
  ALIAS_BYTE[c.charCodeAt(0)] = 1;
}
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const B64_INDEX = new Int8Array(128).fill(-1);
[...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'].forEach((c, i) => {
  B64_INDEX[c.charCodeAt(0)] = i;
});

/** The 6 bits character `index` of `text` encodes, or -1 outside the alphabet. */
function sextet(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code < 128 ? B64_INDEX[code] : -1;
}

function malformed(reason: string): CryptoError {
  return new CryptoError(CryptoErrorCode.Malformed, `not a field ciphertext: ${reason}`);
}

export class FieldCiphertextCodec {
  static readonly formatVersion = FORMAT_VERSION;

  static encodeHeader(alias: string, keyringVersion: number, subjectKeyId?: Buffer): Buffer {
    if (!Number.isInteger(keyringVersion) || keyringVersion < 1 || keyringVersion > MAX_VERSION) {
      throw new CryptoError(CryptoErrorCode.InvalidArgument, 'keyring version out of range');
    }
    if (subjectKeyId !== undefined && subjectKeyId.length !== KEY_ID_BYTES) {
      throw new CryptoError(CryptoErrorCode.InvalidArgument, 'subject key id must be 8 bytes');
    }
    const varint: number[] = [];
    let v = keyringVersion;
    while (v >= 0x80) {
      varint.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    varint.push(v);
    const out = Buffer.allocUnsafe(2 + alias.length + varint.length + (subjectKeyId?.length ?? 0));
    out[0] = (FORMAT_VERSION << 4) | (subjectKeyId !== undefined ? FLAG_SUBJECT : 0);
    out[1] = alias.length;
    out.write(alias, 2, 'latin1');
    out.set(varint, 2 + alias.length);
    if (subjectKeyId !== undefined) {
      out.set(subjectKeyId, 2 + alias.length + varint.length);
    }
    return out;
  }

  /** Strict base64url: alphabet only, no padding, and unused trailing bits must be zero. */
  static decodeText(text: unknown): Buffer {
    if (
      typeof text !== 'string' ||
      text.length === 0 ||
      text.length % 4 === 1 ||
      !BASE64URL.test(text)
    ) {
      throw malformed('not base64url');
    }
    const rest = text.length % 4;
    if (rest !== 0) {
      const last = B64_INDEX[text.charCodeAt(text.length - 1)];
      if ((last & (rest === 2 ? 0x0f : 0x03)) !== 0) {
        throw malformed('non-canonical base64url');
      }
    }
    return Buffer.from(text, 'base64url');
  }

  /**
   * Whether another text starts with the same `headerLength` header bytes as `text`, tested on the
   * characters without decoding: those of whole 3-byte groups, then the header's high bits of the
   * character it shares with the nonce.
   */
  static sameHeader(text: string, headerLength: number): (other: string) => boolean {
    const tailBytes = headerLength % 3;
    const exact = 4 * Math.floor(headerLength / 3) + tailBytes;
    const prefix = text.slice(0, exact);
    if (tailBytes === 0) {
      return (other) => other.startsWith(prefix);
    }
    const shift = 6 - 2 * tailBytes;
    const bits = sextet(text, exact) >> shift;
    return (other) =>
      other.startsWith(prefix) && other.length > exact && sextet(other, exact) >> shift === bits;
  }

  static parse(bytes: Buffer): ParsedFieldCiphertext {
    if (bytes.length < 3 + NONCE_BYTES + TAG_BYTES) {
      throw malformed('too short');
    }
    const first = bytes[0];
    if (first >> 4 !== FORMAT_VERSION) {
      throw malformed(`unsupported format version ${first >> 4}`);
    }
    if ((first & 0x0f & ~FLAG_SUBJECT) !== 0) {
      throw malformed('unknown flags');
    }
    const aliasLength = bytes[1];
    if (aliasLength === 0 || aliasLength > 64) {
      throw malformed('bad alias length');
    }
    let offset = 2;
    for (let i = offset; i < offset + aliasLength; i += 1) {
      if (ALIAS_BYTE[bytes[i]] !== 1) {
        throw malformed('bad alias');
      }
    }
    const alias = bytes.toString('latin1', offset, offset + aliasLength);
    offset += aliasLength;
    let version = 0;
    let scale = 1;
    for (let i = 0; ; i += 1) {
      if (i === 5 || offset >= bytes.length) {
        throw malformed('bad version');
      }
      const b = bytes[offset];
      offset += 1;
      version += (b & 0x7f) * scale;
      scale *= 0x80;
      if ((b & 0x80) === 0) {
        if (b === 0 && i > 0) {
          throw malformed('non-minimal version');
        }
        break;
      }
    }
    if (version < 1 || version > MAX_VERSION) {
      throw malformed('bad version');
    }
    let subjectKeyId: string | undefined;
    if ((first & FLAG_SUBJECT) !== 0) {
      subjectKeyId = bytes.subarray(offset, offset + KEY_ID_BYTES).toString('base64url');
      offset += KEY_ID_BYTES;
    }
    if (bytes.length - offset < NONCE_BYTES + TAG_BYTES) {
      throw malformed('too short');
    }
    return {
      header: bytes.subarray(0, offset),
      alias,
      keyringVersion: version,
      subjectKeyId,
      nonce: bytes.subarray(offset, offset + NONCE_BYTES),
      sealed: bytes.subarray(offset + NONCE_BYTES),
    };
  }
}
