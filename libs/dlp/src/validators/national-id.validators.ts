/** Check characters of European national identifiers, as their issuers publish them. */

function isDigitCode(code: number): boolean {
  return code >= 48 && code <= 57;
}

function onlyAlnum(value: string): string {
  return value.replace(/[^0-9A-Za-z]/g, '').toUpperCase();
}

/**
 * German tax identification number (Steuer-IdNr): 11 digits, no leading zero, no digit more
 * than three times among the first ten, and an ISO 7064 MOD 11,10 check digit.
 */
export function deTaxIdValid(value: string): boolean {
  const d = onlyAlnum(value);
  if (!/^[1-9]\d{10}$/.test(d)) {
    return false;
  }
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < 10; i++) {
    if (++counts[d.charCodeAt(i) - 48] > 3) {
      return false;
    }
  }
  let product = 10;
  for (let i = 0; i < 10; i++) {
    let sum = (d.charCodeAt(i) - 48 + product) % 10;
    if (sum === 0) {
      sum = 10;
    }
    product = (sum * 2) % 11;
  }
  return (11 - product) % 10 === d.charCodeAt(10) - 48;
}

/**
 * French NIR (numéro INSEE): sex, year, month, department (2A/2B for Corsica), commune, order
 * number and a key of 97 minus the first 13 digits mod 97.
 */
export function frInseeValid(value: string): boolean {
  const d = onlyAlnum(value);
  const m = /^([1-478])(\d\d)(0[1-9]|1[0-2]|[2-9]\d)(\d\d|2A|2B)(\d{3})(\d{3})(\d\d)$/.exec(d);
  if (m === null || m[5] === '000' || m[6] === '000') {
    return false;
  }
  const dept = m[4] === '2A' ? '19' : m[4] === '2B' ? '18' : m[4];
  const n = BigInt(`${m[1]}${m[2]}${m[3]}${dept}${m[5]}${m[6]}`);
  const key = 97 - Number(n % 97n);
  return key === Number(m[7]);
}

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

/** Spanish DNI (NIF of a person): up to 8 digits and the letter of their value mod 23. */
export function esNifValid(value: string): boolean {
  const d = onlyAlnum(value);
  const m = /^(\d{7,8})([A-Z])$/.exec(d);
  return m !== null && DNI_LETTERS[Number(m[1]) % 23] === m[2];
}

/** Spanish NIE: X, Y or Z (read as 0, 1, 2), seven digits and the DNI letter of the whole. */
export function esNieValid(value: string): boolean {
  const d = onlyAlnum(value);
  const m = /^([XYZ])(\d{7})([A-Z])$/.exec(d);
  return m !== null && DNI_LETTERS[Number(`${'XYZ'.indexOf(m[1])}${m[2]}`) % 23] === m[3];
}

/** Values of the characters in odd positions (1st, 3rd...) of a codice fiscale. */
const CF_ODD = [
  1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
];

/**
 * Italian codice fiscale: 16 characters (digits may be replaced by letters for homocodes) and a
 * check letter from the odd/even position tables.
 */
export function itFiscalCodeValid(value: string): boolean {
  const d = value.toUpperCase();
  if (
    !/^[A-Z]{6}[\dLMNPQRSTUV]{2}[ABCDEHLMPRST][\dLMNPQRSTUV]{2}[A-Z][\dLMNPQRSTUV]{3}[A-Z]$/.test(d)
  ) {
    return false;
  }
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const code = d.charCodeAt(i);
    const index = isDigitCode(code) ? code - 48 : code - 65;
    sum += i % 2 === 0 ? CF_ODD[index] : index;
  }
  return d.charCodeAt(15) - 65 === sum % 26;
}
