import { PhoneNumberMatcher, type CountryCode, type NumberFound } from 'libphonenumber-js/max';
import { type CandidateRuns, mayParseValid } from './phone-prefilter';

/** The matcher's step that parses one piece of a candidate and checks it (not in its types). */
interface ParseStep {
  parseAndVerify(candidate: string, offset: number, text: string): unknown;
}

const parseAndVerify = (PhoneNumberMatcher.prototype as unknown as Partial<ParseStep>)
  .parseAndVerify;
if (typeof parseAndVerify !== 'function') {
  throw new Error('libphonenumber-js no longer has PhoneNumberMatcher.parseAndVerify');
}
const parseStep = parseAndVerify;

/**
 * libphonenumber's matcher reading a window in one region at the VALID leniency, which skips the
 * parse of a piece no number valid in that region can be read from (see `mayParseValid`). The
 * parse is most of the matcher's time: where a candidate holds many digit groups, such as an IP
 * address next to a block of digits, the matcher parses the whole and each piece it splits off,
 * in every region tried, and few pieces can be valid in a region. Which pieces it tries, in which
 * order, and what it finds stay the matcher's own, so it finds what `findNumbers` finds.
 */
class RegionMatcher extends PhoneNumberMatcher {
  constructor(
    text: string,
    private readonly region: string,
    private readonly seen: CandidateRuns,
  ) {
    super(text, { defaultCountry: region as CountryCode, v2: true, leniency: 'VALID' } as {
      defaultCountry: CountryCode;
      v2: true;
    });
  }

  parseAndVerify(candidate: string, offset: number, text: string): unknown {
    return mayParseValid(candidate, this.region, this.seen)
      ? parseStep.call(this, candidate, offset, text)
      : undefined;
  }
}

/**
 * What `findNumbers(window, { defaultCountry: region, v2: true, leniency: 'VALID' })` finds.
 * Pass the same `seen` for each region tried on one window, so its pieces are filtered once.
 */
export function findValidInRegion(
  window: string,
  region: string,
  seen: CandidateRuns = new Map(),
): NumberFound[] {
  const matcher = new RegionMatcher(window, region, seen);
  const found: NumberFound[] = [];
  while (matcher.hasNext()) {
    const next = matcher.next();
    if (next !== undefined) {
      found.push(next);
    }
  }
  return found;
}
