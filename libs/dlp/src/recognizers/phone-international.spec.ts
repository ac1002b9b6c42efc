import fc from 'fast-check';
import { findNumbers, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import metadataJson from 'libphonenumber-js/metadata.max.json';
import { validInternational } from './phone-international';
import { plainInternationalSpans } from './phone.recognizer';

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
