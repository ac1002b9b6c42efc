import { countrySpecs, electronicFormatIBAN } from 'ibantools';

/** Per country that issues IBANs: its IBAN length and its BBAN pattern, compiled once. */
interface Country {
  length: number;
  bban: RegExp;
}

const COUNTRIES = new Map<string, Country>();
for (const [code, spec] of Object.entries(countrySpecs)) {
  if (spec.chars !== undefined && spec.bban_regexp !== undefined) {
    COUNTRIES.set(code, { length: spec.chars, bban: new RegExp(spec.bban_regexp) });
  }
}

const CHECK_DIGITS = /^[0-9]{2}$/;
const SEPARATORS = /[\s.]+/g;

/** The IBAN length for a country, or undefined when the country issues no IBANs. */
export function ibanLength(country: string): number | undefined {
  return COUNTRIES.get(country)?.length;
}

/** `value` mod 97, its letters read as 10-35 (ISO 13616); NaN for other characters. */
function mod97(value: string): number {
  let r = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 48 && code <= 57) {
      r = (r * 10 + code - 48) % 97;
    } else if (code >= 65 && code <= 90) {
      r = (r * 100 + code - 55) % 97;
    } else {
      return NaN;
    }
  }
  return r;
}

/**
 * Structure, per-country format, national check (where the country has one) and mod-97 check
 * (ISO 13616): the rules of ibantools' `isValidIBAN`, which builds its patterns anew on every
 * call. A test holds the two to the same answers.
 */
export function ibanValid(value: string): boolean {
  const iban = electronicFormatIBAN(value);
  if (iban === null) {
    return false;
  }
  const code = iban.slice(0, 2);
  const country = COUNTRIES.get(code);
  const check = iban.slice(2, 4);
  const bban = iban.slice(4);
  if (country === undefined || iban.length !== country.length || !CHECK_DIGITS.test(check)) {
    return false;
  }
  // Read at each call: ibantools lets callers replace a country's national check.
  const national = countrySpecs[code].bban_validation_func;
  return (
    country.bban.test(bban) &&
    (national === undefined || national(bban.replace(SEPARATORS, ''))) &&
    98 - mod97(`${bban}${code}00`) === Number(check)
  );
}
