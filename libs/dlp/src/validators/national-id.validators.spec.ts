import fc from 'fast-check';
import {
  deTaxIdValid,
  esNieValid,
  esNifValid,
  frInseeValid,
  itFiscalCodeValid,
} from './national-id.validators';

/** Every other digit (or letter) in place of the one at `i`. */
function variants(value: string, i: number, alphabet: string): string[] {
  return [...alphabet]
    .filter((c) => c !== value[i])
    .map((c) => value.slice(0, i) + c + value.slice(i + 1));
}

describe('national id validators', () => {
  it('German tax id: check digit, leading digit and the repetition rule', () => {
    expect(deTaxIdValid('12345678903')).toBe(true);
    expect(deTaxIdValid('98 765 432 106')).toBe(true);
    expect(deTaxIdValid('12345678901')).toBe(false);
    expect(deTaxIdValid('02345678901')).toBe(false);
    expect(deTaxIdValid('11112345678')).toBe(false);
    expect(deTaxIdValid('1234567890')).toBe(false);
  });

  it('German tax id: changing the check digit always breaks it', () => {
    for (const v of variants('12345678903', 10, '0123456789')) {
      expect({ v, ok: deTaxIdValid(v) }).toEqual({ v, ok: false });
    }
  });

  it('French NIR: mod-97 key, Corsican departments, month and order ranges', () => {
    expect(frInseeValid('2 69 05 49 588 157 80')).toBe(true);
    expect(frInseeValid('269054958815780')).toBe(true);
    expect(frInseeValid('269054958815781')).toBe(false);
    expect(frInseeValid('2 69 13 49 588 157 80')).toBe(false);
    // 2A is read as 19 for the key.
    const body = '1850 52A 123 456'.replace(/ /g, '');
    const key = 97 - Number(BigInt(body.replace('2A', '19')) % 97n);
    expect(frInseeValid(`${body}${String(key).padStart(2, '0')}`)).toBe(true);
  });

  it('Spanish DNI and NIE: the control letter of the number mod 23', () => {
    expect(esNifValid('55555555K')).toBe(true);
    expect(esNifValid('55555555-k')).toBe(true);
    expect(esNifValid('1111111G')).toBe(true);
    expect(esNifValid('12345678A')).toBe(false);
    expect(esNieValid('X9613851N')).toBe(true);
    expect(esNieValid('Y8063915-Z')).toBe(true);
    expect(esNieValid('Y8063915Q')).toBe(false);
    expect(esNieValid('W8063915Q')).toBe(false);
  });

  it('Spanish DNI: exactly one letter fits each number', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999 }), (n) => {
        const digits = String(n).padStart(8, '0');
        const fitting = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'].filter((l) => esNifValid(digits + l));
        expect(fitting).toHaveLength(1);
      }),
    );
  });

  it('Italian codice fiscale: the check letter, homocodes included', () => {
    expect(itFiscalCodeValid('RSSMRA85T10A562S')).toBe(true);
    expect(itFiscalCodeValid('RSSMRA85T10A562T')).toBe(false);
    expect(itFiscalCodeValid('AAAAAA00B11C333Y')).toBe(true);
    expect(itFiscalCodeValid('A55AAA00B11C333N')).toBe(false);
  });
});
