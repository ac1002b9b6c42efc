import { scanText } from '../engine/scanner';

const found = (text: string): string[] =>
  scanText(text).map((f) => `${f.entity}:${text.slice(f.start, f.end)}`);

describe('national id recognizers', () => {
  it('finds a German tax id, in one block or grouped, and not as a phone number', () => {
    expect(found('Steuer-ID: 12345678903.')).toEqual(['DE_TAX_ID:12345678903']);
    expect(found('IdNr. 98 765 432 106 liegt vor')).toEqual(['DE_TAX_ID:98 765 432 106']);
  });

  it('leaves an 11-digit number whose check digit fails alone as a tax id', () => {
    expect(found('Steuer-ID: 12345678901').filter((f) => f.startsWith('DE_TAX_ID'))).toEqual([]);
  });

  it('does not read the rest of an international phone number as a tax id', () => {
    // 30012345014 alone is a valid tax id.
    expect(found('Tel. +49 30 012 345 014')).toEqual(['PHONE_NUMBER:+49 30 012 345 014']);
  });

  it('finds a French NIR spaced as printed', () => {
    expect(found('NIR 2 69 05 49 588 157 80')).toEqual(['FR_INSEE:2 69 05 49 588 157 80']);
  });

  it('finds Spanish DNI and NIE numbers with their control letter', () => {
    expect(found('DNI 55555555-K, NIE X9613851N')).toEqual([
      'ES_NIF:55555555-K',
      'ES_NIE:X9613851N',
    ]);
    expect(found('DNI 55555555-J')).toEqual([]);
  });

  it('finds an Italian codice fiscale with a valid check letter only', () => {
    expect(found('codice fiscale RSSMRA85T10A562S')).toEqual(['IT_FISCAL_CODE:RSSMRA85T10A562S']);
    expect(found('codice fiscale RSSMRA85T10A562T')).toEqual([]);
  });
});
