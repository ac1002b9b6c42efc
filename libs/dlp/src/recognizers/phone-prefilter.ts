import { anchored, metadata, metadataJson, NUMBER_TYPES, selectPlan } from './phone-metadata';

/**
 * Metadata-based rejection ahead of libphonenumber's matcher: a window is only handed to the
 * matcher for a region when some run of its digit groups could be a valid number there. The test
 * is a superset of libphonenumber's own validity rule (general pattern and one number-type
 * pattern of a region sharing the calling code), so skipping a region never loses a match.
 */

/** Everything the test needs about one calling code. */
interface CallingCodePlan {
  callingCode: string;
  /** Per region sharing the code: general pattern and the union of its type patterns. */
  patterns: { general: RegExp; types: RegExp }[];
  nationalPrefix: { re: RegExp; transform: string | undefined }[];
}

interface RegionPlan extends CallingCodePlan {
  idd: RegExp;
}

const codes = metadataJson.country_calling_codes as Record<string, string[] | undefined>;
const nonGeographic =
  (metadataJson as { nonGeographic?: Record<string, unknown> }).nonGeographic ?? {};
const regionPlans = new Map<string, RegionPlan | null>();
const codePlans = new Map<string, CallingCodePlan | null>();

const ANY = /(?:)/;

function buildCodePlan(callingCode: string): CallingCodePlan | null {
  const regions = nonGeographic[callingCode] !== undefined ? ['001'] : codes[callingCode];
  if (regions === undefined) {
    return null;
  }
  const patterns: CallingCodePlan['patterns'] = [];
  const nationalPrefix: CallingCodePlan['nationalPrefix'] = [];
  for (const region of regions) {
    // Non-geographic codes (+800, +882...) and regions missing from the metadata: never skipped.
    const plan = metadata.hasCountry(region) ? selectPlan(region) : undefined;
    if (plan === undefined) {
      patterns.push({ general: ANY, types: ANY });
      continue;
    }
    const types = NUMBER_TYPES.map((t) => plan.type(t)?.pattern()).filter(
      (p): p is string => p !== undefined && p !== '',
    );
    patterns.push({
      general: anchored(plan.nationalNumberPattern()),
      types: anchored(types.map((t) => `(?:${t})`).join('|')),
    });
    const forParsing = plan.nationalPrefixForParsing();
    if (forParsing !== undefined && forParsing !== '') {
      // The compressed metadata holds 0 where a region has no rule (Luxembourg's carrier codes).
      const rule: unknown = plan.nationalPrefixTransformRule();
      nationalPrefix.push({
        re: new RegExp(`^(?:${forParsing})`),
        transform: typeof rule === 'string' && rule !== '' ? rule : undefined,
      });
    }
  }
  return { callingCode, patterns, nationalPrefix };
}

function codePlan(callingCode: string): CallingCodePlan | null {
  let plan = codePlans.get(callingCode);
  if (plan === undefined) {
    plan = buildCodePlan(callingCode);
    codePlans.set(callingCode, plan);
  }
  return plan;
}

function regionPlan(region: string): RegionPlan | null {
  let plan = regionPlans.get(region);
  if (plan === undefined) {
    plan = null;
    if (metadata.hasCountry(region)) {
      const np = selectPlan(region);
      const byCode = np === undefined ? null : codePlan(np.callingCode());
      if (np !== undefined && byCode !== null) {
        plan = { ...byCode, idd: new RegExp(`^(?:${np.IDDPrefix()})`) };
      }
    }
    regionPlans.set(region, plan);
  }
  return plan;
}

function validNational(nsn: string, plan: CallingCodePlan): boolean {
  return plan.patterns.some((p) => p.general.test(nsn) && p.types.test(nsn));
}

/** The national number as written, or after the national prefix (and any carrier code) is cut. */
function validAfterPrefix(digits: string, plan: CallingCodePlan): boolean {
  if (validNational(digits, plan)) {
    return true;
  }
  for (const { re, transform } of plan.nationalPrefix) {
    const m = re.exec(digits);
    if (m === null || m[0].length === 0) {
      continue;
    }
    // As libphonenumber reads it: the rule applies only when the last group captured digits.
    const nsn =
      transform !== undefined && m.length > 1 && (m[m.length - 1] ?? '') !== ''
        ? digits.replace(re, transform)
        : digits.slice(m[0].length);
    if (validNational(nsn, plan)) {
      return true;
    }
  }
  return false;
}

const DIGIT_GROUP = /\d+/g;
/** Digit groups joined by bare hyphens: libphonenumber never splits a candidate there. */
const HYPHEN_UNIT = /\d+(?:-\d+)*/g;
/** Longer windows may be cut anywhere by the matcher's own length limits. */
const MAX_UNIT_DIGITS = 17;
/** Windows with a `+`, non-ASCII text or characters the matcher reads specially are never skipped. */
const UNSURE = /[^\x20-\x7e]|[+＋]/;

/**
 * Concatenations of contiguous units: the digit strings a match in the window can hold. Units are
 * hyphen-joined groups, or single digit groups when the window is long or `groups` is set.
 */
function digitRuns(window: string, groups = false): string[] {
  const byUnit = groups ? [] : (window.match(HYPHEN_UNIT) ?? []).map((u) => u.replace(/-/g, ''));
  const units =
    groups || byUnit.reduce((n, u) => n + u.length, 0) > MAX_UNIT_DIGITS
      ? (window.match(DIGIT_GROUP) ?? [])
      : byUnit;
  const runs: string[] = [];
  for (let i = 0; i < units.length; i++) {
    let run = '';
    for (let j = i; j < units.length && run.length <= MAX_UNIT_DIGITS + 3; j++) {
      run += units[j];
      runs.push(run);
    }
  }
  return runs;
}

/**
 * Regions (in the given order) whose matcher could find a valid number in a window written without
 * a `+`. A run may also start with the region's international prefix or its own calling code,
 * which libphonenumber accepts without a `+`; such runs keep the region.
 */
export function regionsWorthTrying(window: string, regions: readonly string[]): string[] {
  if (UNSURE.test(window)) {
    return [...regions];
  }
  const runs = digitRuns(window);
  return regions.filter((region) => runsWorthTrying(runs, region));
}

function runsWorthTrying(runs: readonly string[], region: string): boolean {
  const plan = regionPlan(region);
  if (plan === null) {
    return true;
  }
  return runs.some(
    (run) =>
      plan.idd.test(run) ||
      validAfterPrefix(run, plan) ||
      (run.startsWith(plan.callingCode) &&
        validAfterPrefix(run.slice(plan.callingCode.length), plan)),
  );
}

/** Digit runs of the candidates a window's matchers have parsed, null for those never filtered. */
export type CandidateRuns = Map<string, readonly string[] | null>;

/**
 * Whether the matcher's parse of `candidate` (one piece of a window it tries) may give a number
 * valid in `region`: the test above on the candidate's own digit groups, each number being read
 * from whole groups of the piece it parses. Single groups are the units, as a piece may have been
 * cut from a longer candidate inside a hyphen-joined unit. A window's candidates are parsed once
 * per region, so their runs are kept in `seen`, which lives as long as the window's scan: no
 * scanned text outlives the call that scanned it.
 */
export function mayParseValid(candidate: string, region: string, seen: CandidateRuns): boolean {
  let runs = seen.get(candidate);
  if (runs === undefined) {
    runs = UNSURE.test(candidate) ? null : digitRuns(candidate, true);
    seen.set(candidate, runs);
  }
  return runs === null || runsWorthTrying(runs, region);
}
