import fc from 'fast-check';
import examples from 'libphonenumber-js/examples.mobile.json';
import {
  findNumbers,
  getExampleNumber,
  parsePhoneNumberFromString,
  type CountryCode,
} from 'libphonenumber-js/max';
import metadataJson from 'libphonenumber-js/metadata.max.json';
import { validInternational } from './phone-international';
import { leadingGroupsSpans, plainInternationalSpans } from './phone-plus-window';

const callingCodes = [
  ...Object.keys(metadataJson.country_calling_codes),
  ...Object.keys((metadataJson as { nonGeographic?: object }).nonGeographic ?? {}),
];

/** The library's own verdict, as its matcher takes it: parsed, possible and valid. */
function libraryValid(digits: string): boolean {
  const number = parsePhoneNumberFromString(`+${digits}`);
  return number !== undefined && number.isPossible() && number.isValid();
}

/** A calling code, then national digits of lengths around every plan's. */
const internationalDigits = fc
  .tuple(
    fc.constantFrom(...callingCodes),
    fc.array(fc.constantFrom(...'0123456789'), { minLength: 0, maxLength: 16 }),
  )
  .map(([code, rest]) => code + rest.join(''));

const librarySpans = (window: string): [number, number][] =>
  findNumbers(window, { v2: true, leniency: 'VALID' } as { v2: true }).map((f) => [
    f.startsAt,
    f.endsAt,
  ]);

describe('validInternational', () => {
  it('agrees with libphonenumber on random numbers of every calling code', () => {
    fc.assert(
      fc.property(internationalDigits, (digits) => {
        expect(validInternational(digits)).toBe(libraryValid(digits));
      }),
      { numRuns: 20_000 },
    );
  });

  it('agrees on real numbers and near misses', () => {
    for (const digits of [
      '14155550132',
      '12025550173',
      '442079460958',
      '447700900123',
      '4930123456',
      '491701234567',
      '972501234567',
      '919876543210',
      '5511987654321',
      '33123456789',
      '8001234567',
      '80012345678',
      '0123456789',
      '1',
      '999123456',
      '44207946095',
      '4420794609581',
    ]) {
      expect([digits, validInternational(digits)]).toEqual([digits, libraryValid(digits)]);
    }
  });
});

describe('plainInternationalSpans', () => {
  const contexts = [
    '',
    ' ',
    'ab ',
    'e: ',
    '":"',
    "'",
    '\n',
    'x ',
    '(',
    '( ',
    '[',
    'a+',
    '1 ',
    '41 ',
    '2-',
    '-',
    'é ',
  ];
  const after = [
    '',
    ' ',
    ' co',
    '"}',
    "'",
    '\n',
    ' x1',
    ' ext',
    '.',
    '."',
    '.",',
    ',',
    ',"',
    '!',
    '.5',
    ')',
    'a',
    ' 12',
    ' +1',
    ' +4',
    '+12',
    '%',
    ' é',
  ];

  it('gives the matcher spans wherever it answers', () => {
    let answered = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...contexts),
        internationalDigits,
        fc.constantFrom(...after),
        (pre, digits, post) => {
          const window = `${pre}+${digits}${post}`;
          const spans = plainInternationalSpans(window, 'VALID');
          if (spans !== undefined) {
            answered++;
            expect(spans).toEqual(librarySpans(window));
          }
        },
      ),
      { numRuns: 10_000 },
    );
    expect(answered).toBeGreaterThan(3_000);
  });

  it('leaves windows with other numbers, glued text or stricter leniency to the matcher', () => {
    expect(plainInternationalSpans('us +14155550132 co', 'VALID')).toEqual([[3, 15]]);
    expect(plainInternationalSpans('12 +14155550132.', 'VALID')).toEqual([[3, 15]]);
    expect(plainInternationalSpans('+14155550132 +4', 'VALID')).toEqual([[0, 12]]);
    expect(plainInternationalSpans('(+14155550132', 'VALID')).toBeUndefined();
    expect(plainInternationalSpans('+14155550132x', 'VALID')).toBeUndefined();
    expect(plainInternationalSpans('+1 415 555 0132', 'VALID')).toBeUndefined();
    expect(plainInternationalSpans('+14155550132 x1', 'VALID')).toBeUndefined();
    expect(plainInternationalSpans('+14155550132.5', 'VALID')).toBeUndefined();
    expect(plainInternationalSpans('+14155550132', 'STRICT_GROUPING')).toBeUndefined();
  });
});

describe('leadingGroupsSpans', () => {
  /** Valid numbers of every region, as digits after the `+`. */
  const validDigits = Object.keys(metadataJson.countries)
    .map((c) => getExampleNumber(c as CountryCode, examples)?.number.slice(1))
    .filter((d): d is string => d !== undefined);
  /** A first block: a valid number, one with a digit more or less, or random digits. */
  const firstBlock = fc.oneof(
    fc.constantFrom(...validDigits),
    fc.constantFrom(...validDigits).map((d) => d.slice(0, -1)),
    fc
      .tuple(fc.constantFrom(...validDigits), fc.integer({ min: 0, max: 9 }))
      .map(([d, x]) => `${d}${x}`),
    internationalDigits,
  );
  /** What may follow it inside a candidate: separators, then more digits. */
  const separators = [
    ' ',
    '  ',
    '-',
    '.',
    ' - ',
    '/',
    ' / ',
    '(',
    ') ',
    ':',
    ' (',
    '. ',
    '\t',
    '\n',
    '\u2013',
  ];
  const group = fc.tuple(
    fc.constantFrom(...separators),
    fc.oneof(
      fc.stringMatching(/^\d{1,5}$/),
      fc.constantFrom('2024-05-06 12', '12/05/24', '2024', '0', '00', '555 0132', 'x12'),
    ),
  );
  /** Mostly a space and digits after the first block, the shape a split leaves alone. */
  const more = fc.oneof(
    fc.array(group, { maxLength: 3 }),
    fc
      .tuple(fc.stringMatching(/^\d{1,5}$/), fc.array(group, { maxLength: 2 }))
      .map(([d, rest]): [string, string][] => [[' ', d], ...rest]),
  );
  const before = ['', ' ', 'ab ', 'e: ', '":"', '(', '[', '1 ', '12+', 'x ', '/', 'é ', '\n', '\t'];
  const after = [
    '',
    ' ',
    'ia1',
    ' co',
    ':34',
    ':96',
    ' x1',
    '#12',
    ';ext=1',
    ' +4',
    '+12',
    'é',
    '"}',
    '.5',
    '\n1',
    '\t',
  ];

  it('gives the matcher spans wherever it answers', () => {
    let none = 0;
    let first = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...before),
        firstBlock,
        more,
        fc.constantFrom(...after),
        (pre, block, rest, post) => {
          const window = `${pre}+${block}${rest.map(([sep, d]) => sep + d).join('')}${post}`;
          const plusAt = pre.length;
          for (const leniency of ['VALID', 'STRICT_GROUPING'] as const) {
            const spans = leadingGroupsSpans(window, plusAt, leniency);
            if (spans !== undefined) {
              // The matcher runs at VALID; stricter leniencies only filter what it finds.
              expect([window, spans]).toEqual([
                window,
                leniency === 'VALID' ? librarySpans(window) : [],
              ]);
              if (leniency === 'VALID' && spans.length === 0) {
                none++;
              } else if (leniency === 'VALID') {
                first++;
              }
            }
          }
        },
      ),
      { numRuns: 10_000 },
    );
    expect(none).toBeGreaterThan(1_000);
    expect(first).toBeGreaterThan(300);
  });

  it('answers the common shapes and leaves the rest to the matcher', () => {
    expect(leadingGroupsSpans('us +14155550132 3528-1628-9014-7676 st', 3, 'VALID')).toEqual([
      [3, 15],
    ]);
    expect(leadingGroupsSpans('na +17462994125 15ia1', 3, 'VALID')).toEqual([]);
    expect(leadingGroupsSpans('na +17462994125 15ia1', 3, 'STRICT_GROUPING')).toEqual([]);
    expect(leadingGroupsSpans(' +1 011 000 0000 ', 1, 'VALID')).toEqual([]);
    expect(leadingGroupsSpans(' +999 1234 ', 1, 'VALID')).toEqual([]);
    // A number of several groups, a time stamp, a second `+`, or another leniency: the matcher decides.
    expect(leadingGroupsSpans('+1 415 555 0132', 0, 'VALID')).toBeUndefined();
    expect(leadingGroupsSpans('+14155550132 2024-05-06 12:30', 0, 'VALID')).toBeUndefined();
    expect(leadingGroupsSpans('+14155550132 15 +44', 0, 'VALID')).toBeUndefined();
    expect(leadingGroupsSpans('+14155550132 3528', 0, 'STRICT_GROUPING')).toBeUndefined();
    expect(leadingGroupsSpans('+14155550132 3528', 0, 'POSSIBLE')).toBeUndefined();
  });
});
