import { hash } from 'node:crypto';

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
/** Digit value per char code below 128, -1 outside the alphabet. */
const INDEX = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) {
  INDEX[ALPHABET.charCodeAt(i)] = i;
}

/** One-shot hashing: a Hash object per call cost more than the digest of 21 bytes. */
function sha256(data: Uint8Array): Buffer {
  return hash('sha256', data, 'buffer');
}

/** Decodes base58; undefined on a character outside the alphabet. */
export function base58Decode(value: string): Uint8Array | undefined {
  const bytes: number[] = [];
  for (let k = 0; k < value.length; k++) {
    const code = value.charCodeAt(k);
    const v = code < 128 ? INDEX[code] : -1;
    if (v < 0) {
      return undefined;
    }
    let carry = v;
    for (let i = 0; i < bytes.length; i++) {
      carry += bytes[i] * 58;
      bytes[i] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  for (let i = 0; i < value.length && value[i] === '1'; i++) {
    bytes.push(0);
  }
  return Uint8Array.from(bytes.reverse());
}

/** Base58Check: the last four bytes are the first four of the double SHA-256 of the rest. */
export function base58CheckValid(value: string): boolean {
  const raw = base58Decode(value);
  return raw !== undefined && checksumValid(raw);
}

function checksumValid(raw: Uint8Array): boolean {
  if (raw.length < 5) {
    return false;
  }
  const payload = raw.subarray(0, raw.length - 4);
  const checksum = sha256(sha256(payload)).subarray(0, 4);
  return Buffer.compare(checksum, Buffer.from(raw.subarray(raw.length - 4))) === 0;
}

/** Bytes of a Bitcoin address: a version byte, a 20-byte hash and a 4-byte checksum. */
const ADDRESS_BYTES = 25;

/**
 * The 25 bytes a base58 address decodes to, or undefined when it decodes to any other length
 * (or holds a character outside the alphabet). Most candidates are random words of the
 * address's shape, so decoding stops as soon as the number outgrows the bytes left after the
 * leading zeros, and no array grows on the way.
 */
function addressBytes(value: string): Uint8Array | undefined {
  let zeros = 0;
  while (zeros < value.length && value.charCodeAt(zeros) === 49) {
    zeros++;
  }
  const room = ADDRESS_BYTES - zeros;
  if (room < 0) {
    return undefined;
  }
  // The number after the leading zeros, least significant byte first.
  const le = new Uint8Array(room);
  let length = 0;
  for (let k = zeros; k < value.length; k++) {
    const code = value.charCodeAt(k);
    let carry = code < 128 ? INDEX[code] : -1;
    if (carry < 0) {
      return undefined;
    }
    for (let i = 0; i < length; i++) {
      carry += le[i] * 58;
      le[i] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      if (length === room) {
        return undefined;
      }
      le[length++] = carry & 0xff;
      carry >>= 8;
    }
  }
  if (length !== room) {
    return undefined;
  }
  const raw = new Uint8Array(ADDRESS_BYTES);
  for (let i = 0; i < room; i++) {
    raw[zeros + i] = le[room - 1 - i];
  }
  return raw;
}

/** A Bitcoin legacy (P2PKH, version 0) or script (P2SH, version 5) address. */
export function bitcoinBase58AddressValid(value: string): boolean {
  const raw = addressBytes(value);
  return raw !== undefined && (raw[0] === 0 || raw[0] === 5) && checksumValid(raw);
}
