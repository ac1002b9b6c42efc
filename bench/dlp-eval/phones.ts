/** Valid phone numbers of many regions, written the ways people write them. */
import type { Faker } from '@faker-js/faker';
import examples from 'libphonenumber-js/examples.mobile.json';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/** National significant numbers of fixed lines, whose last digits are varied. */
const FIXED_SEEDS: Partial<Record<string, readonly string[]>> = {
  US: ['2125550143', '4153901234', '3036241234', '6175551234', '7135550198'],
  CA: ['4165550134', '6045551234', '5145559876'],
  GB: ['2079460958', '1614960000', '1134960123', '1312345678'],
  DE: ['30123456', '8912345678', '4012345678', '22112345678'],
  FR: ['142685300', '491234567', '388123456'],
  ES: ['912345678', '934123456'],
  IT: ['0612345678', '0212345678'],
  NL: ['201234567', '104123456'],
  BE: ['21234567', '93123456'],
  AU: ['291234567', '381234567'],
  IE: ['12345678'],
  AT: ['1234567890'],
  CH: ['441234567'],
  PT: ['212345678'],
  PL: ['221234567'],
  SE: ['81234567'],
};

/** A valid number of `region` (mobile or fixed), as `style` or the region's own habit. */
export function phoneNumber(f: Faker, region: string): string {
  const seeds = [
    (examples as Record<string, string>)[region],
    ...(FIXED_SEEDS[region] ?? []),
  ].filter((s): s is string => s !== undefined);
  for (let attempt = 0; attempt < 50; attempt++) {
    const seed = f.helpers.arrayElement(seeds);
    const keep = Math.max(3, seed.length - 5);
    let nsn = seed.slice(0, keep);
    while (nsn.length < seed.length) {
      nsn += String(f.number.int(9));
    }
    const number = parsePhoneNumberFromString(nsn, region as CountryCode);
    if (number === undefined || !number.isValid()) {
      continue;
    }
    const national = number.formatNational();
    switch (
      f.helpers.arrayElement(['national', 'national', 'international', 'e164', 'habit'] as const)
    ) {
      case 'national':
        return national;
      case 'international':
        return number.formatInternational();
      case 'e164':
        return number.number;
      case 'habit':
        return habit(f, region, national, number.formatInternational());
    }
  }
  throw new Error(`no valid number for ${region}`);
}

/** How people in a region often write a number besides libphonenumber's formats. */
function habit(f: Faker, region: string, national: string, international: string): string {
  const digits = national.replace(/\D/g, '');
  switch (region) {
    case 'FR':
    case 'BE':
    case 'LU':
      // Pairs with dots or spaces: 06.12.34.56.78
      return digits.replace(/(\d\d)(?=\d)/g, `$1${f.helpers.arrayElement(['.', ' ', '.'])}`);
    case 'DK':
    case 'NO':
      return digits.replace(/(\d\d)(?=\d)/g, '$1 ');
    case 'US':
    case 'CA':
      return f.helpers.arrayElement([
        `${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6)}`,
        `${digits.slice(0, 3)}.${digits.slice(3, 6)}.${digits.slice(6)}`,
        `+1 (${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}`,
      ]);
    case 'DE':
    case 'AT':
      return national.replace(' ', '/');
    default:
      return international.replace(/ /g, '-');
  }
}
