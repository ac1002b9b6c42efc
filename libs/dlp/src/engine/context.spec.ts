import fc from 'fast-check';
import {
  contextProbe,
  hasContextBefore,
  hasContextIn,
  mayHaveContextBefore,
  wordsBefore,
} from './context';

const CONTEXT = [
  'phone',
  'tel',
  'date of birth',
  'national health service',
  'd.o.b',
  'ss#',
  'us',
  'key',
  'wifi',
];

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
  'myTel',
  'omni',
  ' number',
  'FAX',
  'İ',
  // Lower-cased, the Kelvin sign is a k and the dotted capital I an i.
  '\u212a',
  'ey',
  'wif',
  'WIF',
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
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('mayHaveContextBefore never misses a start in its range that has context', () => {
    const context = [...CONTEXT, 'ni number', 'fax'];
    fc.assert(
      fc.property(texts, fc.nat(), fc.nat(12), (text, at, span) => {
        const from = at % (text.length + 1);
        const to = Math.min(text.length, from + span);
        const some = Array.from({ length: to - from + 1 }, (_, i) => from + i).some((start) =>
          hasContextBefore(context, text, start),
        );
        if (some) {
          expect(mayHaveContextBefore(context, text, from, to)).toBe(true);
        }
      }),
      { numRuns: 3_000 },
    );
    const filler = ' lorem ipsum dolor sit amet'.repeat(3);
    expect(mayHaveContextBefore(context, `phone${filler} 1.2.3.4`, 87, 94)).toBe(false);
    expect(mayHaveContextBefore(context, `phone${filler.slice(0, 50)} 1.2.3.4`, 56, 63)).toBe(true);
    expect(mayHaveContextBefore(context, 'a 1.2.3.4 Fax', 2, 13)).toBe(true);
  });

  it('finds context in camel case and snake case keys, and not inside other words', () => {
    expect(hasContextBefore(CONTEXT, 'dateOfBirth: ', 13)).toBe(true);
    expect(hasContextBefore(CONTEXT, 'call my telephone ', 18)).toBe(true);
    expect(hasContextBefore(CONTEXT, 'hotel ', 6)).toBe(false);
    expect(hasContextBefore(CONTEXT, 'usual ', 6)).toBe(false);
    expect(hasContextBefore(CONTEXT, 'passportUS ', 11)).toBe(true);
  });
});

describe('contextProbe', () => {
  it('passes on every text with context before some position', () => {
    fc.assert(
      fc.property(texts, (text) => {
        const positions = Array.from({ length: text.length + 1 }, (_, i) => i);
        if (positions.some((start) => hasContextBefore(CONTEXT, text, start))) {
          expect([text, contextProbe(CONTEXT).test(text)]).toEqual([text, true]);
        }
      }),
      { numRuns: 3_000 },
    );
  });

  it('fails on a text without a context word, and finds one in any case', () => {
    expect(contextProbe(CONTEXT).test('lorem ipsum dolor 12 sit amet')).toBe(false);
    expect(contextProbe(CONTEXT).test('ring the HOTEL desk')).toBe(true);
    expect(contextProbe(['born', 'dob']).test('nobis dolor')).toBe(false);
    expect(contextProbe(['born', 'dob']).test('DOB: 1985')).toBe(true);
  });
});
