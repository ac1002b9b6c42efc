/**
 * Valid identifiers for the evaluation corpus, computed here from the published rules (not from
 * libs/dlp, so a validator bug there cannot make its own test data).
 */
import type { Faker } from '@faker-js/faker';

function digits(f: Faker, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    s += String(f.number.int(9));
  }
  return s;
}

/** `prefix` padded with random digits to `length`, the last digit making the Luhn sum 0. */
export function luhnNumber(f: Faker, prefix: string, length: number): string {
  const body = prefix + digits(f, length - prefix.length - 1);
  for (let check = 0; check <= 9; check++) {
    const n = body + String(check);
    let sum = 0;
    for (let i = 0; i < n.length; i++) {
      let d = Number(n[n.length - 1 - i]);
      if (i % 2 === 1) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
    }
    if (sum % 10 === 0) {
      return n;
    }
  }
  throw new Error('unreachable');
}

interface Issuer {
  name: string;
  prefixes: readonly string[];
  lengths: readonly number[];
}

/** Issuer ranges as the card networks publish them; 12-13 digit ones need context in text. */
const ISSUERS: readonly Issuer[] = [
  { name: 'visa', prefixes: ['4'], lengths: [16, 16, 16, 19] },
  {
    name: 'mastercard',
    prefixes: ['51', '52', '53', '54', '55', '2221', '2500', '2720'],
    lengths: [16],
  },
  { name: 'amex', prefixes: ['34', '37'], lengths: [15] },
  { name: 'discover', prefixes: ['6011', '65', '644', '649'], lengths: [16, 19] },
  { name: 'jcb', prefixes: ['3528', '3589', '3540'], lengths: [16] },
  { name: 'jcb15', prefixes: ['2131', '1800'], lengths: [15] },
  {
    name: 'maestro',
    prefixes: ['50', '56', '57', '58', '63', '67', '6304'],
    lengths: [16, 18, 19],
  },
  { name: 'unionpay', prefixes: ['62'], lengths: [16, 17, 19] },
  { name: 'diners', prefixes: ['36', '300', '305'], lengths: [14] },
];
const SHORT: readonly Issuer[] = [
  { name: 'visa13', prefixes: ['4'], lengths: [13] },
  { name: 'maestro12', prefixes: ['50', '56', '58', '63', '67', '6304'], lengths: [12, 13] },
];

function groupCard(f: Faker, n: string): string {
  const sep = f.helpers.arrayElement(['', ' ', ' ', '-']);
  if (sep === '') {
    return n;
  }
  const sizes = n.length === 15 ? [4, 6, 5] : n.length === 14 ? [4, 6, 4] : [];
  const groups: string[] = [];
  if (sizes.length > 0) {
    let at = 0;
    for (const s of sizes) {
      groups.push(n.slice(at, at + s));
      at += s;
    }
  } else {
    for (let i = 0; i < n.length; i += 4) {
      groups.push(n.slice(i, i + 4));
    }
  }
  return groups.join(sep);
}

/** A card number of 14-19 digits, grouped as printed or in one block. */
export function cardNumber(f: Faker): string {
  const issuer = f.helpers.arrayElement(ISSUERS);
  return groupCard(
    f,
    luhnNumber(f, f.helpers.arrayElement(issuer.prefixes), f.helpers.arrayElement(issuer.lengths)),
  );
}

/** A 12- or 13-digit card number (Maestro, old Visa): recognisable only with card context. */
export function shortCardNumber(f: Faker): string {
  const issuer = f.helpers.arrayElement(SHORT);
  return groupCard(
    f,
    luhnNumber(f, f.helpers.arrayElement(issuer.prefixes), f.helpers.arrayElement(issuer.lengths)),
  );
}

/** German Steuerliche Identifikationsnummer: one digit twice or thrice, ISO 7064 MOD 11,10. */
export function deTaxId(f: Faker): string {
  for (;;) {
    const body = String(f.number.int({ min: 1, max: 9 })) + digits(f, 9);
    const counts = new Map<string, number>();
    for (const c of body) {
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    const repeated = [...counts.values()].filter((n) => n > 1);
    if (repeated.length !== 1 || repeated[0] > 3 || /(\d)\1\1/.test(body)) {
      continue;
    }
    let product = 10;
    for (const c of body) {
      let sum = (Number(c) + product) % 10;
      if (sum === 0) {
        sum = 10;
      }
      product = (sum * 2) % 11;
    }
    const check = (11 - product) % 10;
    const id = body + String(check);
    return f.datatype.boolean()
      ? id
      : `${id.slice(0, 2)} ${id.slice(2, 5)} ${id.slice(5, 8)} ${id.slice(8)}`;
  }
}

/** French NIR (numéro INSEE): sex, year, month, department, commune, order, key 97 - n mod 97. */
export function frInsee(f: Faker): string {
  const sex = String(f.number.int({ min: 1, max: 2 }));
  const yy = String(f.number.int(99)).padStart(2, '0');
  const mm = String(f.number.int({ min: 1, max: 12 })).padStart(2, '0');
  const dep = String(f.number.int({ min: 1, max: 95 })).padStart(2, '0');
  const commune = String(f.number.int({ min: 1, max: 990 })).padStart(3, '0');
  const order = String(f.number.int({ min: 1, max: 999 })).padStart(3, '0');
  const n = sex + yy + mm + dep + commune + order;
  const key = String(97 - Number(BigInt(n) % 97n)).padStart(2, '0');
  return f.datatype.boolean() ? n + key : `${sex} ${yy} ${mm} ${dep} ${commune} ${order} ${key}`;
}

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

/** Spanish DNI: 8 digits and the letter of their value mod 23. */
export function esDni(f: Faker): string {
  const n = digits(f, 8);
  return `${n}${f.datatype.boolean() ? '' : '-'}${DNI_LETTERS[Number(n) % 23]}`;
}

/** Spanish NIE: X, Y or Z (0, 1, 2), 7 digits, the DNI letter of the whole. */
export function esNie(f: Faker): string {
  const lead = f.number.int(2);
  const n = digits(f, 7);
  return `${'XYZ'[lead]}${n}${DNI_LETTERS[Number(String(lead) + n) % 23]}`;
}

const CF_ODD: Record<string, number> = {};
[
  1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
].forEach((v, i) => {
  CF_ODD[String.fromCharCode(65 + i)] = v;
  if (i < 10) {
    CF_ODD[String(i)] = v;
  }
});
const MONTHS = 'ABCDEHLMPRST';

function consonants(s: string): string {
  return s
    .toUpperCase()
    .normalize('NFD')
    .replace(/[^A-Z]/g, '')
    .replace(/[AEIOU]/g, '');
}
function vowels(s: string): string {
  return s
    .toUpperCase()
    .normalize('NFD')
    .replace(/[^AEIOU]/g, '');
}
function threeOf(s: string): string {
  return `${consonants(s)}${vowels(s)}XXX`.slice(0, 3);
}

/** Italian codice fiscale for a name, with its check letter. */
export function itFiscalCode(f: Faker, first: string, last: string): string {
  const c = consonants(first);
  const firstPart = c.length >= 4 ? c[0] + c[2] + c[3] : threeOf(first);
  const female = f.datatype.boolean();
  const day = f.number.int({ min: 1, max: 28 }) + (female ? 40 : 0);
  const body =
    threeOf(last) +
    firstPart +
    String(f.number.int(99)).padStart(2, '0') +
    MONTHS[f.number.int(11)] +
    String(day).padStart(2, '0') +
    f.helpers.arrayElement(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'L', 'M', 'Z']) +
    digits(f, 3);
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    sum += i % 2 === 0 ? CF_ODD[ch] : /\d/.test(ch) ? Number(ch) : ch.charCodeAt(0) - 65;
  }
  return body + String.fromCharCode(65 + (sum % 26));
}

/** US SSN inside the SSA's issued ranges. */
export function usSsn(f: Faker): string {
  let area = f.number.int({ min: 1, max: 899 });
  if (area === 666) {
    area = 667;
  }
  return `${String(area).padStart(3, '0')}-${String(f.number.int({ min: 1, max: 99 })).padStart(2, '0')}-${String(f.number.int({ min: 1, max: 9999 })).padStart(4, '0')}`;
}

/** UK NHS number: 9 digits and a mod-11 check digit (never 10). */
export function ukNhs(f: Faker): string {
  for (;;) {
    const body = digits(f, 9);
    let sum = 0;
    for (let i = 0; i < 9; i++) {
      sum += Number(body[i]) * (10 - i);
    }
    const check = (11 - (sum % 11)) % 11;
    if (check !== 10) {
      const n = body + String(check);
      return `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`;
    }
  }
}

/** UK National Insurance number with an allowed prefix. */
export function ukNino(f: Faker): string {
  const prefix = f.helpers.arrayElement(['AB', 'CE', 'JG', 'KL', 'NP', 'RT', 'SW', 'WZ', 'ZX']);
  const d = digits(f, 6);
  return `${prefix} ${d.slice(0, 2)} ${d.slice(2, 4)} ${d.slice(4)} ${f.helpers.arrayElement(['A', 'B', 'C', 'D'])}`;
}
