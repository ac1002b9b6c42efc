import fc from 'fast-check';
import { countrySpecs, electronicFormatIBAN, isValidIBAN } from 'ibantools';
import { ibanLength, ibanValid } from './iban.validator';

const countries = Object.entries(countrySpecs).filter(
  ([, s]) => s.chars !== undefined && s.bban_regexp !== undefined,
);

const CLASSES: Record<string, string> = {
  '0-9': '0123456789',
  'A-Z': 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  'A-Z0-9': 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  '0-9A-Z': 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
};

/** A BBAN of the country's pattern (every pattern is a run of `[class]{n}` pieces). */
function bbanOf(pattern: string): fc.Arbitrary<string> {
  const pieces = [...pattern.matchAll(/\[([^\]]+)\]\{(\d+)\}/g)].map(([, cls, n]) =>
    fc
      .array(fc.constantFrom(...CLASSES[cls]), { minLength: Number(n), maxLength: Number(n) })
      .map((cs) => cs.join('')),
  );
  return fc.tuple(...pieces).map((ps) => ps.join(''));
}

/** Check digits by ISO 13616, computed here with BigInt. */
function checkDigits(country: string, bban: string): string {
  const numeric = [...`${bban}${country}00`]
    .map((c) => (c >= 'A' ? String(c.charCodeAt(0) - 55) : c))
    .join('');
  return String(98n - (BigInt(numeric) % 97n)).padStart(2, '0');
}

/** IBANs of every country: mostly well formed, some with one character changed, some grouped. */
const ibans = fc
  .constantFrom(...countries)
  .chain(([country, spec]) =>
    fc.tuple(
      fc.constant(country),
      bbanOf(spec.bban_regexp ?? ''),
      fc.nat(99),
      fc.boolean(),
      fc.option(fc.tuple(fc.nat(40), fc.constantFrom(...'0123456789ABZ-')), { freq: 3 }),
      fc.constantFrom('', ' ', '-'),
    ),
  )
  .map(([country, bban, randomCheck, rightCheck, change, separator]) => {
    const check = rightCheck ? checkDigits(country, bban) : String(randomCheck).padStart(2, '0');
    let iban = `${country}${check}${bban}`;
    if (change !== null) {
      const at = change[0] % iban.length;
      iban = iban.slice(0, at) + change[1] + iban.slice(at + 1);
    }
    return separator === '' ? iban : (iban.match(/.{1,4}/g) ?? []).join(separator);
  });

const library = (value: string): boolean => isValidIBAN(electronicFormatIBAN(value) ?? '');

describe('ibanValid', () => {
  it('answers as ibantools does for IBANs of every country, right, wrong and grouped', () => {
    let valid = 0;
    fc.assert(
      fc.property(ibans, (iban) => {
        const expected = library(iban);
        valid += Number(expected);
        expect(ibanValid(iban)).toBe(expected);
      }),
      { numRuns: 20_000 },
    );
    // The sample holds both answers in quantity, national checks included.
    expect(valid).toBeGreaterThan(2_000);
  });

  it('answers as ibantools does for any short text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        expect(ibanValid(text)).toBe(library(text));
      }),
      { numRuns: 5_000 },
    );
  });

  it('knows the length of every country that issues IBANs, and of no other', () => {
    for (const [country, spec] of countries) {
      expect(ibanLength(country)).toBe(spec.chars);
    }
    expect(ibanLength('US')).toBeUndefined();
    expect(ibanLength('constructor')).toBeUndefined();
  });
});
