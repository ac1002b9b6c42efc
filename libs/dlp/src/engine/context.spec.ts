import fc from 'fast-check';
import { hasContextBefore, hasContextIn, wordsBefore } from './context';

const CONTEXT = ['phone', 'tel', 'date of birth', 'national health service', 'd.o.b', 'ss#', 'us'];

/** Text made of pieces that form, split, glue and disguise context words. */
const pieces = fc.constantFrom(
  'phone',
  'Phone',
  'PHONE',
  'tel',
  'Tel:',
  'hotel',
  'telephone',
  'date',
  ' of ',
  'birth',
  'dateOfBirth',
  'date_of_birth',
  'national health service',
  'd.o.b',
  'US',
  'usual',
  'passportUS',
  'İ',
  'ǅ',
  'é',
  ' ',
  '-',
  '_',
  '1',
  'x',
  '\n',
);
const texts = fc.array(pieces, { maxLength: 16 }).map((p) => p.join(''));

describe('hasContextBefore', () => {
  it('agrees with the word-by-word test at every position', () => {
    fc.assert(
      fc.property(texts, (text) => {
        for (let start = 0; start <= text.length; start++) {
          const joined = ` ${wordsBefore(text, start).join(' ')} `;
          const expected = hasContextIn(CONTEXT, joined);
          expect(hasContextBefore(CONTEXT, text, start)).toBe(expected);
          expect(hasContextBefore(CONTEXT, text, start, text.toLowerCase())).toBe(expected);
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('finds context in camel case and snake case keys, and not inside other words', () => {
    expect(hasContextBefore(CONTEXT, 'dateOfBirth: ', 13)).toBe(true);
    expect(hasContextBefore(CONTEXT, 'call my telephone ', 18)).toBe(true);
    expect(hasContextBefore(CONTEXT, 'hotel ', 6)).toBe(false);
    expect(hasContextBefore(CONTEXT, 'usual ', 6)).toBe(false);
    expect(hasContextBefore(CONTEXT, 'passportUS ', 11)).toBe(true);
  });
});
