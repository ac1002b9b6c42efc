import fc from 'fast-check';
import { findNumbers, type CountryCode } from 'libphonenumber-js/max';
import { DEFAULT_PHONE_REGIONS, gluedToWord } from './phone.recognizer';

const found = (window: string, region: string): number =>
  findNumbers(window, {
    defaultCountry: region as CountryCode,
    v2: true,
    leniency: 'VALID',
  } as { v2: true }).length;

describe('gluedToWord', () => {
  it('only skips windows where the matcher finds nothing in any region', () => {
    let skipped = 0;
    fc.assert(
      fc.property(
        fc.constantFrom('', 'st ', '":"', '12 ', '(', ' '),
        fc.constantFrom(...'0123456789'),
        fc.array(fc.constantFrom(...'0123456789-'), { minLength: 6, maxLength: 20 }),
        fc.constantFrom(...'bcdfxaeiAEIXZ#. '),
        fc.constantFrom('', '-4', '12', 'ab', 'nexo12', 'nt12', 'xt 12', 'XT1', 'n', 'x12', 'a-'),
        (before, first, body, letter, after) => {
          const core = `${first}${body.join('')}`.replace(/-+$/, '');
          const window = `${before}${core}${letter}${after}`;
          if (gluedToWord(window, before.length, core.length, 'VALID')) {
            skipped++;
            for (const region of DEFAULT_PHONE_REGIONS) {
              expect([window, region, found(window, region)]).toEqual([window, region, 0]);
            }
          }
        },
      ),
      { numRuns: 1_500 },
    );
    expect(skipped).toBeGreaterThan(250);
  });

  it('leaves numbers before extension letters, separators and other digits to the matcher', () => {
    expect(gluedToWord('st 81938681-387c-4', 3, 12, 'VALID')).toBe(true);
    expect(gluedToWord('st 81938681-387e-4', 3, 12, 'VALID')).toBe(true);
    expect(gluedToWord('st 81938681-387ex4', 3, 12, 'VALID')).toBe(false);
    expect(gluedToWord('st 4155550132anexo 12', 3, 10, 'VALID')).toBe(false);
    expect(gluedToWord('st 4155550132Int12', 3, 10, 'VALID')).toBe(false);
    expect(gluedToWord('st 4155550132x12', 3, 10, 'VALID')).toBe(false);
    expect(gluedToWord('st 415 555 0132b', 3, 12, 'VALID')).toBe(false);
    expect(gluedToWord('12 4155550132b', 3, 10, 'VALID')).toBe(false);
    expect(gluedToWord('st 4155550132b', 3, 10, 'POSSIBLE')).toBe(false);
    expect(gluedToWord('805000-----000000b', 0, 17, 'VALID')).toBe(false);
  });
});
