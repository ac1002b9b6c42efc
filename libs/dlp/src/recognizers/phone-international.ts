import { anchored, metadata, metadataJson, NUMBER_TYPES, selectPlan } from './phone-metadata';

/**
 * libphonenumber's verdict on a number written as `+` and one block of digits, reached through
 * the same steps as its parser (calling code, national prefix, region, possible length, number
 * type) but over patterns compiled once. The library builds a fresh RegExp from the metadata for
 * every pattern it tests, some of them kilobytes long, which made the parse of such numbers the
 * scanner's slowest step. phone-international.spec.ts checks this against the library on random
 * numbers of every calling code.
 */

const MIN_LENGTH_FOR_NSN = 2;
const MAX_LENGTH_FOR_NSN = 17;
const MAX_LENGTH_COUNTRY_CODE = 3;

/** One numbering plan (a region, or a calling code's main region), compiled. */
interface Plan {
  general: RegExp;
  possibleLengths: number[] | undefined;
  leadingDigits: RegExp | undefined;
  hasTypes: boolean;
  types: { pattern: RegExp; lengths: number[] | undefined }[];
  prefixForParsing: RegExp | undefined;
  prefixTransform: string | undefined;
}

const plans = new Map<string, Plan>();

function compile(regionOrCode: string): Plan {
  const np = selectPlan(regionOrCode);
  if (np === undefined) {
    throw new Error(`No numbering plan for ${regionOrCode}`);
  }
  const types: Plan['types'] = [];
  for (const name of NUMBER_TYPES) {
    const t = np.hasTypes() ? np.type(name) : undefined;
    if (t !== undefined && t.pattern() !== '') {
      types.push({ pattern: anchored(t.pattern()), lengths: t.possibleLengths() });
    }
  }
  const leading = np.leadingDigits();
  const forParsing = np.nationalPrefixForParsing();
  return {
    general: anchored(np.nationalNumberPattern()),
    possibleLengths: np.possibleLengths(),
    leadingDigits: leading ? new RegExp(leading) : undefined,
    hasTypes: np.hasTypes(),
    types,
    prefixForParsing: forParsing ? new RegExp(`^(?:${forParsing})`) : undefined,
    prefixTransform: np.nationalPrefixTransformRule() || undefined,
  };
}

function plan(regionOrCode: string): Plan {
  let p = plans.get(regionOrCode);
  if (p === undefined) {
    p = compile(regionOrCode);
    plans.set(regionOrCode, p);
  }
  return p;
}

/** The shortest possible national number length of any region. */
export function minPossibleLength(): number {
  let min = Infinity;
  for (const region of Object.keys(metadataJson.countries)) {
    min = Math.min(min, selectPlan(region)?.possibleLengths()?.[0] ?? MIN_LENGTH_FOR_NSN);
  }
  return min;
}

/** checkNumberLength: true unless the length is too short or not among the possible ones. */
function lengthPossible(lengths: number[] | undefined, n: number, allowLonger: boolean): boolean {
  if (lengths === undefined || lengths[0] === n) {
    return true;
  }
  if (lengths[0] > n) {
    return false;
  }
  if (lengths[lengths.length - 1] < n) {
    return allowLonger;
  }
  return lengths.indexOf(n, 1) >= 0;
}

/** getNumberType(...) !== undefined. */
function hasNumberType(p: Plan, nsn: string): boolean {
  if (!p.general.test(nsn)) {
    return false;
  }
  return p.types.some(
    (t) => (t.lengths === undefined || t.lengths.includes(nsn.length)) && t.pattern.test(nsn),
  );
}

/** getCountryByCallingCode: the region of a calling code that this national number belongs to. */
function regionOf(callingCode: string, nsn: string): string | undefined {
  const regions = metadata.getCountryCodesForCallingCode(callingCode);
  if (regions === undefined) {
    return undefined;
  }
  if (regions.length === 1) {
    return regions[0];
  }
  for (const region of regions) {
    const p = plan(region);
    if (p.leadingDigits !== undefined) {
      if (nsn !== '' && nsn.search(p.leadingDigits) === 0) {
        return region;
      }
    } else if (hasNumberType(p, nsn)) {
      return region;
    }
  }
  return undefined;
}

/**
 * extractNationalNumber: the national prefix (and carrier code) cut when the rules allow it,
 * by the plan of `planKey` (a region, or the calling code for its main region).
 */
function nationalNumber(planKey: string, callingCode: string, number: string): string {
  const p = plan(planKey);
  if (p.prefixForParsing === undefined || number === '') {
    return number;
  }
  const m = p.prefixForParsing.exec(number);
  if (m === null) {
    return number;
  }
  const groups = m.length - 1;
  const captured = groups > 0 && Boolean(m[groups]);
  const nsn =
    p.prefixTransform !== undefined && captured
      ? number.replace(p.prefixForParsing, p.prefixTransform)
      : number.slice(m[0].length);
  if (nsn === number) {
    return number;
  }
  if (p.general.test(number) && !p.general.test(nsn)) {
    return number;
  }
  if (p.possibleLengths !== undefined) {
    const region = regionOf(callingCode, nsn);
    const lengths = region === undefined ? p.possibleLengths : plan(region).possibleLengths;
    if (!lengthPossible(lengths, nsn.length, true)) {
      return number;
    }
  }
  return nsn;
}

/**
 * Whether libphonenumber finds `+digits` a possible and valid number (`digits` being ASCII digits
 * only), as its matcher requires at the default leniency.
 */
export function validInternational(digits: string): boolean {
  if (digits.length < 2 || digits[0] === '0') {
    return false;
  }
  let callingCode: string | undefined;
  for (let i = 1; i <= MAX_LENGTH_COUNTRY_CODE && i < digits.length; i++) {
    if (metadata.hasCallingCode(digits.slice(0, i))) {
      callingCode = digits.slice(0, i);
      break;
    }
  }
  if (callingCode === undefined) {
    return false;
  }
  const nsn = nationalNumber(callingCode, callingCode, digits.slice(callingCode.length));
  if (nsn.length < MIN_LENGTH_FOR_NSN || nsn.length > MAX_LENGTH_FOR_NSN) {
    return false;
  }
  const region = regionOf(callingCode, nsn);
  const p = plan(region ?? callingCode);
  if (!lengthPossible(p.possibleLengths, nsn.length, false)) {
    return false;
  }
  return p.hasTypes ? hasNumberType(p, nsn) : p.general.test(nsn);
}

/** What a national number needs besides its plan: calling code and international prefix. */
interface RegionDialling {
  callingCode: string;
  idd: RegExp | undefined;
}

const dialling = new Map<string, RegionDialling>();

function regionDialling(region: string): RegionDialling {
  let d = dialling.get(region);
  if (d === undefined) {
    const np = selectPlan(region);
    if (np === undefined) {
      throw new Error(`No numbering plan for ${region}`);
    }
    const idd = np.IDDPrefix();
    d = { callingCode: np.callingCode(), idd: idd ? new RegExp(`^(?:${idd})`) : undefined };
    dialling.set(region, d);
  }
  return d;
}

/**
 * Whether libphonenumber finds `digits` (ASCII digits only), read with `region` as the default
 * country, a possible and valid number, as its matcher requires at the default leniency. The
 * parser's order: an international prefix makes the rest international; a leading calling code
 * of the region is cut when the number is too long or invalid with it; else the number is
 * national, and its region may turn out to be another one sharing the calling code.
 */
export function validNational(digits: string, region: string): boolean {
  const { callingCode, idd } = regionDialling(region);
  const iddMatch = idd?.exec(digits);
  if (iddMatch !== null && iddMatch !== undefined) {
    const rest = digits.slice(iddMatch[0].length);
    if (rest !== '' && rest !== digits && rest[0] !== '0') {
      return validInternational(rest);
    }
  }
  const home = plan(region);
  if (digits.startsWith(callingCode)) {
    const shorter = nationalNumber(region, callingCode, digits.slice(callingCode.length));
    const whole = nationalNumber(region, callingCode, digits);
    const lengths = home.possibleLengths;
    if (
      (!home.general.test(whole) && home.general.test(shorter)) ||
      (lengths !== undefined && lengths[lengths.length - 1] < whole.length)
    ) {
      return validInternational(digits);
    }
  }
  const nsn = nationalNumber(region, callingCode, digits);
  if (nsn.length < MIN_LENGTH_FOR_NSN || nsn.length > MAX_LENGTH_FOR_NSN) {
    return false;
  }
  const p = plan(regionOf(callingCode, nsn) ?? region);
  if (!lengthPossible(p.possibleLengths, nsn.length, false)) {
    return false;
  }
  return p.hasTypes ? hasNumberType(p, nsn) : p.general.test(nsn);
}
