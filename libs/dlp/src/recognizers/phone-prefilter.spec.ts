import { findNumbers, type CountryCode } from 'libphonenumber-js/max';
import { regionsWorthTrying } from './phone-prefilter';

const REGIONS = ['US', 'GB', 'DE', 'IL', 'IN', 'CA', 'BR'];

function matcherFinds(window: string, region: string | undefined): boolean {
  return (
    findNumbers(window, {
      defaultCountry: region as CountryCode | undefined,
      v2: true,
      leniency: 'VALID',
    } as { defaultCountry?: CountryCode; v2: true }).length > 0
  );
}

describe('phone prefilter', () => {
  const national = [
    ' (415) 555-0132 ',
    ' 020 7946 0958 ',
    ' 030 12345678 ',
    ' 03-1234567 ',
    ' 98765 43210 ',
    ' (11) 91234-5678 ',
    ' 011 44 20 7946 0958 ',
    ' 00 49 30 12345678 ',
    ' 44 20 7946 0958 ',
  ];

  it.each(national)('keeps every region whose matcher finds a number in %j', (window) => {
    const kept = regionsWorthTrying(window, REGIONS);
    for (const region of REGIONS) {
      if (matcherFinds(window, region)) {
        expect(kept).toContain(region);
      }
    }
  });

  it('drops regions for a dashed card number and for short numbers', () => {
    expect(regionsWorthTrying(' 5102-7950-5999-6489 ', REGIONS)).toEqual([]);
    expect(regionsWorthTrying(' 12-34 ', REGIONS)).toEqual([]);
  });

  it('never filters windows holding a plus sign or non-ASCII text', () => {
    expect(regionsWorthTrying('+ 12-34 ', REGIONS)).toEqual(REGIONS);
    expect(regionsWorthTrying(' ٠١٢ 12-34 ', REGIONS)).toEqual(REGIONS);
  });
});
