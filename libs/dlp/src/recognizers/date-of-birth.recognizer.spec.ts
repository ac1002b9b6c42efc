import fc from 'fast-check';
import type { RecognizerContext } from '../engine/recognizer';
import type { Finding } from '../types';
import { dateOfBirthRecognizer } from './date-of-birth.recognizer';

const ctx: RecognizerContext = {
  phone: { regions: [], leniency: 'VALID' },
  settled: () => [],
  mayBoost: () => true,
};

function dates(text: string): Finding[] {
  const out: Finding[] = [];
  dateOfBirthRecognizer.find(text, ctx, out);
  return out;
}

/** Texts made of date pieces, digits and what ends, glues or disguises a date. */
const pieces = fc.constantFrom(
  '1985-03-12',
  '12/03/1985',
  '3.12.2001',
  '12 March 1985',
  '1st mar. 2001',
  'Dec. 3rd, 1985',
  '1985',
  '12',
  '-',
  '/',
  '.',
  ' ',
  ',',
  'T',
  'x',
  '0',
  '\n',
);
const texts = fc.array(pieces, { maxLength: 8 }).map((p) => p.join(''));

describe('date of birth recognizer', () => {
  it('is asked to search every text where it finds a date', () => {
    let found = 0;
    fc.assert(
      fc.property(texts, (text) => {
        if (dates(text).length > 0) {
          found++;
          expect([text, dateOfBirthRecognizer.mayMatch(text)]).toEqual([text, true]);
        }
      }),
      { numRuns: 30_000 },
    );
    expect(found).toBeGreaterThan(300);
  });

  it('skips texts whose only dates are time stamps or have no year', () => {
    expect(dateOfBirthRecognizer.mayMatch('at 2024-03-12T10:00:00Z')).toBe(false);
    expect(dateOfBirthRecognizer.mayMatch('on 12/03, order 12345')).toBe(false);
    expect(dateOfBirthRecognizer.mayMatch('born 1985-03-12')).toBe(true);
    expect(dateOfBirthRecognizer.mayMatch('born 12.03.1985')).toBe(true);
    expect(dateOfBirthRecognizer.mayMatch('born March 12, 1985')).toBe(true);
  });
});
