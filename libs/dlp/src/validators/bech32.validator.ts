const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const BECH32_CONST = 1;
const BECH32M_CONST = 0x2bc830a3;
const GENERATOR = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

/** Value per char code below 128 in the data charset, -1 outside it. */
const INDEX = new Int8Array(128).fill(-1);
for (let i = 0; i < CHARSET.length; i++) {
  INDEX[CHARSET.charCodeAt(i)] = i;
}

/** One step of BIP-173's checksum over a 5-bit value. */
function polymodStep(chk: number, value: number): number {
  const top = chk >>> 25;
  let next = ((chk & 0x1ffffff) << 5) ^ value;
  for (let i = 0; i < 5; i++) {
    if ((top >>> i) & 1) {
      next ^= GENERATOR[i];
    }
  }
  return next;
}

export interface Bech32Decoded {
  hrp: string;
  data: number[];
  variant: 'bech32' | 'bech32m';
}

/**
 * BIP-173 / BIP-350 decoding; undefined when the string or its checksum is not valid. The
 * checksum runs over the expanded HRP and the data as they are read, without building them.
 */
export function bech32Decode(value: string): Bech32Decoded | undefined {
  if (value.length > 90) {
    return undefined;
  }
  const s = value.toLowerCase();
  if (value !== s && value !== value.toUpperCase()) {
    return undefined;
  }
  const sep = s.lastIndexOf('1');
  if (sep < 1 || sep + 7 > s.length) {
    return undefined;
  }
  let chk = 1;
  for (let i = 0; i < sep; i++) {
    chk = polymodStep(chk, s.charCodeAt(i) >> 5);
  }
  chk = polymodStep(chk, 0);
  for (let i = 0; i < sep; i++) {
    chk = polymodStep(chk, s.charCodeAt(i) & 31);
  }
  const data: number[] = [];
  for (let i = sep + 1; i < s.length; i++) {
    const code = s.charCodeAt(i);
    const v = code < 128 ? INDEX[code] : -1;
    if (v < 0) {
      return undefined;
    }
    chk = polymodStep(chk, v);
    data.push(v);
  }
  chk >>>= 0;
  const variant = chk === BECH32_CONST ? 'bech32' : chk === BECH32M_CONST ? 'bech32m' : undefined;
  return variant ? { hrp: s.slice(0, sep), data: data.slice(0, -6), variant } : undefined;
}

/** A Bitcoin mainnet segwit address: v0 with bech32 (20 or 32-byte program), v1+ with bech32m. */
export function bitcoinSegwitAddressValid(value: string): boolean {
  const d = bech32Decode(value);
  if (!d || d.hrp !== 'bc' || d.data.length < 1) {
    return false;
  }
  const version = d.data[0];
  const programBytes = Math.floor(((d.data.length - 1) * 5) / 8);
  if (version > 16 || programBytes < 2 || programBytes > 40) {
    return false;
  }
  if (version === 0) {
    return d.variant === 'bech32' && (programBytes === 20 || programBytes === 32);
  }
  return d.variant === 'bech32m';
}
