import fc from 'fast-check';
import examples from 'libphonenumber-js/examples.mobile.json';
import {
  findNumbers,
  getCountryCallingCode,
  getExampleNumber,
  parsePhoneNumberFromString,
  type CountryCode,
} from 'libphonenumber-js/max';
import metadataJson from 'libphonenumber-js/metadata.max.json';
import { validNational } from './phone-international';
import { plainNationalSpans, spacedGroupsSpans } from './phone-national-window';
import { DEFAULT_PHONE_REGIONS } from './phone.recognizer';

const allRegions = Object.keys(metadataJson.countries) as CountryCode[];

/** The library's verdict on digits read in a region, as its matcher takes it. */
function libraryValid(digits: string, region: CountryCode): boolean {
  const number = parsePhoneNumberFromString(digits, region);
  return number !== undefined && number.isPossible() && number.isValid();
}

/**
 * Digits as national numbers are written and mistaken: a region's example number with digits
 * changed, added or cut, or random digits after an international prefix, a calling code or a
 * national prefix.
 */
const nationalDigits = (regions: readonly string[]) =>
  fc
    .tuple(
      fc.constantFrom(...regions),
      fc.oneof(
        fc.constantFrom('', '0', '00', '011', '0011', '1'),
        fc.constantFrom(...regions).map((r) => getCountryCallingCode(r as CountryCode)),
        fc
          .constantFrom(...regions)
          .map((r) => getExampleNumber(r as CountryCode, examples)?.nationalNumber ?? ''),
      ),
      fc.array(fc.constantFrom(...'0123456789'), { minLength: 0, maxLength: 12 }),
      fc.integer({ min: 0, max: 3 }),
    )
    .map(([region, head, tail, cut]) => ({
      region,
      digits: (head + tail.join('')).slice(0, Math.max(1, head.length + tail.length - cut)),
    }));

/**
 * The matcher's spans over the regions in order, as the recognizer gathers them; it stops after
 * a region where `stops` holds for one of them.
 */
function matcherSpans(
  window: string,
  regions: readonly string[],
  stops: (start: number, end: number) => boolean = () => false,
): [number, number][] {
  const spans: [number, number][] = [];
  for (const region of regions) {
    let stop = false;
    for (const f of findNumbers(window, {
      defaultCountry: region as CountryCode,
      v2: true,
      leniency: 'VALID',
    } as { defaultCountry: CountryCode; v2: true })) {
      if (!spans.some(([s, e]) => s === f.startsAt && e === f.endsAt)) {
        spans.push([f.startsAt, f.endsAt]);
      }
      stop ||= stops(f.startsAt, f.endsAt);
    }
    if (stop) {
      break;
    }
  }
  return spans;
}

describe('validNational', () => {
  it('agrees with libphonenumber on numbers read in every region', () => {
    let valid = 0;
    fc.assert(
      fc.property(nationalDigits(allRegions), ({ region, digits }) => {
        const lib = libraryValid(digits, region as CountryCode);
        valid += lib ? 1 : 0;
        expect([region, digits, validNational(digits, region)]).toEqual([region, digits, lib]);
      }),
      { numRuns: 30_000 },
    );
    expect(valid).toBeGreaterThan(500);
  });

  it('agrees on real numbers, prefixed ones and near misses', () => {
    for (const [digits, region] of [
      ['4155550132', 'US'],
      ['14155550132', 'US'],
      ['0114930123456', 'US'],
      ['02079460958', 'GB'],
      ['442079460958', 'GB'],
      ['00442079460958', 'DE'],
      ['030123456', 'DE'],
      ['4930123456', 'DE'],
      ['4238774311791', 'DE'],
      ['0612345678', 'FR'],
      ['612345678', 'FR'],
      ['6135550123', 'CA'],
      ['0412345678', 'AU'],
      ['0001234567', 'DE'],
      ['12', 'US'],
    ] as const) {
      expect([digits, region, validNational(digits, region)]).toEqual([
        digits,
        region,
        libraryValid(digits, region),
      ]);
    }
  });
});

describe('plainNationalSpans', () => {
  const before = [
    '',
    ' ',
    'ab ',
    'e: ',
    '":"',
    "'",
    '\n',
    '\t',
    'x',
    ':',
    '(',
    '+',
    '1 ',
    '4e ',
    '7x ',
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
    ' an',
    '.',
    '.",',
    ',',
    '!',
    '.5',
    ')',
    'a',
    ' 12',
    ' +4',
    '%',
    '-',
    ' é',
  ];
  const regions = ['US', 'GB', 'DE', 'FR', 'AT', 'CA', 'AU'];

  it('gives the matcher spans wherever it answers', () => {
    let answered = 0;
    let found = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...before),
        nationalDigits(regions),
        fc.constantFrom(...after),
        (pre, { digits }, post) => {
          const window = `${pre}${digits}${post}`;
          const spans = plainNationalSpans(window, pre.length, digits.length, regions, 'VALID');
          if (spans !== undefined) {
            answered++;
            found += spans.length;
            expect([window, spans]).toEqual([window, matcherSpans(window, regions)]);
          }
        },
      ),
      { numRuns: 3_000 },
    );
    expect(answered).toBeGreaterThan(500);
    expect(found).toBeGreaterThan(50);
  });

  it('answers plain blocks with every default region and leaves the rest to the matcher', () => {
    expect(
      plainNationalSpans('er 4238774311791 an', 3, 13, DEFAULT_PHONE_REGIONS, 'VALID'),
    ).toEqual([[3, 16]]);
    expect(plainNationalSpans('":"4307939563339"}', 3, 13, ['DE'], 'VALID')).toEqual([[3, 16]]);
    expect(plainNationalSpans('is 123456789 ok', 3, 9, ['US'], 'VALID')).toEqual([]);
    expect(plainNationalSpans('um 4147543903319 7ec7', 3, 13, ['DE'], 'VALID')).toBeUndefined();
    expect(plainNationalSpans('x:4238774311791 an', 2, 13, ['DE'], 'VALID')).toBeUndefined();
    expect(plainNationalSpans('er 4238774311791x', 3, 13, ['DE'], 'VALID')).toBeUndefined();
    expect(plainNationalSpans('er 030 1234567 a', 3, 11, ['DE'], 'VALID')).toBeUndefined();
    expect(
      plainNationalSpans('er 4238774311791 an', 3, 13, ['DE'], 'STRICT_GROUPING'),
    ).toBeUndefined();
  });
});

describe('spacedGroupsSpans', () => {
  /** The matcher over the regions in order, stopping at one whose numbers cover the candidate. */
  const coveringSpans = (
    window: string,
    coreStart: number,
    coreEnd: number,
    regions: readonly string[],
  ): [number, number][] =>
    matcherSpans(window, regions, (start, end) => start <= coreStart + 1 && end >= coreEnd);

  const regions = ['US', 'GB', 'DE', 'FR', 'AT', 'CA', 'AU', 'IT'];
  /** Example numbers and random digits cut into groups of one to five digits. */
  const spaced = fc
    .tuple(
      fc.oneof(
        fc
          .constantFrom(...regions)
          .map((r) => getExampleNumber(r as CountryCode, examples)?.nationalNumber ?? '12'),
        fc
          .array(fc.constantFrom(...'0123456789'), { minLength: 2, maxLength: 16 })
          .map((d) => d.join('')),
        fc.constantFrom('4532123456789012', '6016133192681', '17424610', '0612345678'),
      ),
      fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 7 }),
    )
    .map(([digits, cuts]) => {
      const groups: string[] = [];
      let at = 0;
      for (const n of cuts) {
        if (at < digits.length) {
          groups.push(digits.slice(at, at + n));
          at += n;
        }
      }
      if (at < digits.length) {
        groups.push(digits.slice(at));
      }
      return { groups, hyphens: digits.length % 3 === 0 };
    })
    .map(({ groups, hyphens }) => groups.join(hyphens ? '-' : ' '));
  const before = ['', ' ', 'ab ', '":"', '\n', 'x', '3C ', '9g ', '3x ', '3X ', '1 ', '(', '-'];
  const after = ['', ' ', ' de', '"}', '.', ',', 'a', ' 12', ' +4', '-', ' é'];

  it('gives the matcher spans wherever it answers', () => {
    let answered = 0;
    let found = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...before),
        spaced,
        fc.constantFrom(...after),
        fc.shuffledSubarray(regions, { minLength: 1 }),
        (pre, core, post, tried) => {
          const window = `${pre}${core}${post}`;
          const spans = spacedGroupsSpans(window, pre.length, core.length, tried, 'VALID');
          if (spans !== undefined) {
            answered++;
            found += spans.length;
            expect([window, tried, spans]).toEqual([
              window,
              tried,
              coveringSpans(window, pre.length, pre.length + core.length, tried),
            ]);
          }
        },
      ),
      { numRuns: 1_500 },
    );
    expect(answered).toBeGreaterThan(300);
    expect(found).toBeGreaterThan(100);
  });

  it('answers card and account groups and leaves other shapes to the matcher', () => {
    expect(spacedGroupsSpans('am 1742 461 de', 3, 8, ['DE'], 'VALID')).toEqual(
      coveringSpans('am 1742 461 de', 3, 11, ['DE']),
    );
    expect(spacedGroupsSpans('am 1742 461', 3, 8, ['US'], 'VALID')).toEqual([]);
    expect(spacedGroupsSpans('3C 1742 461 de', 3, 8, ['DE'], 'VALID')).toEqual(
      coveringSpans('3C 1742 461 de', 3, 11, ['DE']),
    );
    expect(spacedGroupsSpans('3x 1742 461 de', 3, 8, ['DE'], 'VALID')).toBeUndefined();
    expect(spacedGroupsSpans('am 1742  461 de', 3, 9, ['DE'], 'VALID')).toBeUndefined();
    expect(spacedGroupsSpans('am 3782-822463-10005 de', 3, 17, ['US', 'DE'], 'VALID')).toEqual(
      coveringSpans('am 3782-822463-10005 de', 3, 20, ['US', 'DE']),
    );
    expect(spacedGroupsSpans('am 1742 461-1 de', 3, 10, ['DE'], 'VALID')).toBeUndefined();
    expect(spacedGroupsSpans('am 1742--461 de', 3, 9, ['DE'], 'VALID')).toBeUndefined();
    expect(spacedGroupsSpans('am 17424610 de', 3, 8, ['DE'], 'VALID')).toBeUndefined();
    expect(spacedGroupsSpans('am 1742 461 de', 3, 8, ['DE'], 'STRICT_GROUPING')).toBeUndefined();
  });
});
