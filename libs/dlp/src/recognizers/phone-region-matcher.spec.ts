import fc from 'fast-check';
import examples from 'libphonenumber-js/examples.mobile.json';
import { findNumbers, getExampleNumber, type CountryCode } from 'libphonenumber-js/max';
import metadataJson from 'libphonenumber-js/metadata.max.json';
import { findValidInRegion } from './phone-region-matcher';
import { DEFAULT_PHONE_REGIONS } from './phone.recognizer';

const allRegions = Object.keys(metadataJson.countries) as CountryCode[];

function matcher(window: string, region: string): string[] {
  return findNumbers(window, {
    defaultCountry: region as CountryCode,
    v2: true,
    leniency: 'VALID',
  } as { defaultCountry: CountryCode; v2: true }).map(
    (f) => `${f.startsAt}-${f.endsAt} ${f.number.number}`,
  );
}

function filtered(window: string, region: string): string[] {
  return findValidInRegion(window, region).map(
    (f) => `${f.startsAt}-${f.endsAt} ${f.number.number}`,
  );
}

const digits = (min: number, max: number) =>
  fc
    .array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max })
    .map((d) => d.join(''));
const octet = fc.integer({ min: 0, max: 255 }).map(String);
const ipv4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
const example = fc
  .constantFrom(...allRegions)
  .map((r) => getExampleNumber(r, examples)?.formatNational() ?? '');
/** Pieces of what phone windows hold: addresses, digit blocks and groups, numbers, words. */
const piece = fc.oneof(
  ipv4,
  digits(1, 15),
  fc.array(digits(1, 5), { minLength: 2, maxLength: 5 }).map((g) => g.join(' ')),
  fc.array(digits(2, 4), { minLength: 2, maxLength: 4 }).map((g) => g.join('-')),
  example,
  fc.constantFrom(
    'ca',
    'x',
    'ext. 12',
    'au',
    '64:5b',
    'f4',
    '(0)',
    '+',
    '+1',
    '+49',
    '/',
    '2024-05-01',
  ),
);
const separator = fc.constantFrom(' ', ' ', '  ', '.', '-', ', ', '/', ' (', ') ', '\t');
const window = fc
  .tuple(
    fc.constantFrom('', 'se ', 'is ', '":"', 'eo ', '1 '),
    fc.array(fc.tuple(piece, separator), { minLength: 1, maxLength: 4 }),
    fc.constantFrom('', ' ca', ' c9', ' te', '"'),
  )
  .map(
    ([head, parts, tail]) =>
      head +
      parts
        .map(([p, s]) => p + s)
        .join('')
        .trimEnd() +
      tail,
  );

describe('findValidInRegion', () => {
  it('finds what findNumbers finds in windows of addresses, digit groups and numbers', () => {
    let found = 0;
    fc.assert(
      fc.property(window, fc.constantFrom(...DEFAULT_PHONE_REGIONS), (w, region) => {
        const expected = matcher(w, region);
        found += expected.length;
        expect([w, region, filtered(w, region)]).toEqual([w, region, expected]);
      }),
      { numRuns: 3000 },
    );
    expect(found).toBeGreaterThan(300);
  });

  it('agrees in every region on windows where an IP address stands next to digits', () => {
    for (const w of [
      'se 234.208.35.248 73.90.100.236 ca',
      'ia 4069193679413 41.123.23.214 te',
      'eo 138.18.195.20 4537160057185 cr',
      'is 6525-0501-4215-4911 242.118.201.214 su',
      'mi 167.209.187.137 64:5b',
      '9V 0077 002L 4',
      'st 11128284-0944-4810-9833-a9',
      'call 030 12345678 or 192.168.0.1',
      // Luxembourg's carrier code (15002) cut before the number, with no transform rule.
      '150 024 070',
    ]) {
      for (const region of allRegions) {
        expect([w, region, filtered(w, region)]).toEqual([w, region, matcher(w, region)]);
      }
    }
  });
});
