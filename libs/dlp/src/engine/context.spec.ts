import fc from 'fast-check';
import {
  contextWords,
  hasContextBefore,
  hasContextIn,
  mayHaveContext,
  wordsBefore,
} from './context';

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
  'myTel',
  'omni',
  ' number',
  'FAX',
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
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('mayHaveContext never misses a context word the word-by-word test finds', () => {
    const context = [...CONTEXT, 'ni number', 'fax'];
    fc.assert(
      fc.property(texts, (text) => {
        if (hasContextIn(context, ` ${contextWords(text).join(' ')} `)) {
          expect(mayHaveContext(context, text, text.toLowerCase())).toBe(true);
        }
      }),
      { numRuns: 3_000 },
    );
    expect(mayHaveContext(context, 'a hotel and a usual day', 'a hotel and a usual day')).toBe(
      false,
    );
    expect(mayHaveContext(context, 'myTel: 1', 'mytel: 1')).toBe(true);
    expect(mayHaveContext(context, 'omni number', 'omni number')).toBe(true);
  });

  it('finds context in camel case and snake case keys, and not inside other words', () => {
    expect(hasContextBefore(CONTEXT, 'dateOfBirth: ', 13)).toBe(true);
    expect(hasContextBefore(CONTEXT, 'call my telephone ', 18)).toBe(true);
    expect(hasContextBefore(CONTEXT, 'hotel ', 6)).toBe(false);
    expect(hasContextBefore(CONTEXT, 'usual ', 6)).toBe(false);
    expect(hasContextBefore(CONTEXT, 'passportUS ', 11)).toBe(true);
  });
});
