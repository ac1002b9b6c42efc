const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const BECH32_CONST = 1;
const BECH32M_CONST = 0x2bc830a3;
const GENERATOR = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

function polymod(values: readonly number[]): number {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) {
      if ((top >>> i) & 1) {
        chk ^= GENERATOR[i];
      }
    }
  }
  return chk >>> 0;
}

function hrpExpand(hrp: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < hrp.length; i++) {
    out.push(hrp.charCodeAt(i) >> 5);
  }
  out.push(0);
  for (let i = 0; i < hrp.length; i++) {
    out.push(hrp.charCodeAt(i) & 31);
  }
  return out;
}

export interface Bech32Decoded {
  hrp: string;
  data: number[];
  variant: 'bech32' | 'bech32m';
}

/** BIP-173 / BIP-350 decoding; undefined when the string or its checksum is not valid. */
export function bech32Decode(value: string): Bech32Decoded | undefined {
  if (value.length > 90 || (value !== value.toLowerCase() && value !== value.toUpperCase())) {
    return undefined;
  }
  const s = value.toLowerCase();
  const sep = s.lastIndexOf('1');
  if (sep < 1 || sep + 7 > s.length) {
    return undefined;
  }
  const hrp = s.slice(0, sep);
  const data: number[] = [];
  for (const ch of s.slice(sep + 1)) {
    const v = CHARSET.indexOf(ch);
    if (v < 0) {
      return undefined;
    }
    data.push(v);
  }
  const check = polymod([...hrpExpand(hrp), ...data]);
  const variant =
    check === BECH32_CONST ? 'bech32' : check === BECH32M_CONST ? 'bech32m' : undefined;
  return variant ? { hrp, data: data.slice(0, -6), variant } : undefined;
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
