import { findNumbers, type CountryCode, type PhoneNumber } from 'libphonenumber-js/max';
import { joinedWordsBefore } from '../engine/context';
import type { Finding, PhoneLeniency } from '../types';
import {
  forEachMatch,
  insideSettled,
  isAsciiAlnum,
  isAsciiDigit,
  type Recognizer,
} from '../engine/recognizer';
import { minPossibleLength } from './phone-international';
import { leadingGroupsSpans, NON_ASCII, plainInternationalSpans } from './phone-plus-window';
import { plainNationalSpans, spacedGroupsSpans } from './phone-national-window';
import { type CandidateRuns, regionsWorthTrying } from './phone-prefilter';
import { findValidInRegion } from './phone-region-matcher';

/** Presidio's default regions, with GB for its "UK" (which libphonenumber does not know). */
export const PRESIDIO_PHONE_REGIONS: readonly string[] = ['US', 'GB', 'DE', 'IL', 'IN', 'CA', 'BR'];

/**
 * Regions whose national formats are read by default: the EU, the UK, Switzerland and Norway,
 * the US, Canada and Australia, and Presidio's others. Tried in this order for each window, and
 * a region whose numbering plan rules out every digit run there is skipped.
 */
export const DEFAULT_PHONE_REGIONS: readonly string[] = [
  'US',
  'GB',
  'DE',
  'FR',
  'ES',
  'IT',
  'NL',
  'BE',
  'AT',
  'CH',
  'IE',
  'PT',
  'PL',
  'SE',
  'DK',
  'NO',
  'FI',
  'CZ',
  'SK',
  'HU',
  'RO',
  'BG',
  'GR',
  'HR',
  'SI',
  'LU',
  'LT',
  'LV',
  'EE',
  'CY',
  'MT',
  'CA',
  'AU',
  'IL',
  'IN',
  'BR',
];

/**
 * Prefilter: a run of digits and phone punctuation. Only runs holding enough digits, and not
 * shaped like a date or a dotted IP, go to libphonenumber, whose matcher is the slow part. The
 * four characters every run needs are spelt out (`[\d ()./\u2013-]{4,40}` split into four and
 * `{0,36}`, the same match): the engine skips ahead over a text a third faster than with the
 * repeat count alone.
 */
const CANDIDATE =
  /[+(]?\d[\d ()./\u2013-][\d ()./\u2013-][\d ()./\u2013-][\d ()./\u2013-][\d ()./\u2013-]{0,36}\d/g;
const NOT_PHONE =
  /^(?:\d{4}[-/.]\d\d?[-/.]\d\d?|\d\d?[-/.]\d\d?[-/.]\d{4}|\d{1,3}(?:\.\d{1,3}){3})$/;
const CONTEXT_CHARS = 3;
/** A single block this long is a card or account number, not a phone number. */
const LONG_BLOCK = /\d{16}/;
/**
 * Recent windows and what they held, per leniency and region list; log lines repeat their
 * numbers (and dates) a lot. Windows are under 50 characters, so the bound on all of them
 * together keeps the caches near 2 MB.
 */
const CACHE_LIMIT = 16384;
const caches = new Map<string, Map<string, readonly [number, number][]>>();
let cached = 0;
/** Region lists joined once per array: the default list is passed on every call. */
const joinedRegions = new WeakMap<readonly string[], string>();

function windowCache(
  leniency: PhoneLeniency,
  regions: readonly string[],
): Map<string, readonly [number, number][]> {
  let joined = joinedRegions.get(regions);
  if (joined === undefined) {
    joined = regions.join(',');
    joinedRegions.set(regions, joined);
  }
  const key = `${leniency}|${joined}`;
  let cache = caches.get(key);
  if (cache === undefined) {
    cache = new Map();
    caches.set(key, cache);
  }
  return cache;
}

function remember(
  cache: Map<string, readonly [number, number][]>,
  window: string,
  spans: readonly [number, number][],
): void {
  if (cached >= CACHE_LIMIT) {
    for (const c of caches.values()) {
      c.clear();
    }
    caches.clear();
    cached = 0;
  }
  cache.set(window, spans);
  cached++;
}
const NON_DIGITS = /\D+/;

const GROUPS = /\d+/g;
/** An amount (1,234.56) opening the candidate; dotted pairs (06.12.34.56.78) are no amount. */
const MONEY = /^\d{1,3}(?:,\d{3})*\.\d{2}(?!\.?\d)/;

/**
 * Postcodes: Portuguese NNNN-NNN, Brazilian NNNNN-NNN, US ZIP+4 NNNNN-NNNN, Polish NN-NNN
 * inside a longer run never come alone as a phone number.
 */
const POSTCODE = /^\d{4,5}-\d{3,4}$/;
const MAX_GROUPS = 8;
/** An ISO date (2024-05-01), tried only where it would close a candidate. */
const ISO_DATE_AT = /\d{4}-[01]\d-[0-3]\d$/y;
const ISO_DATE_LENGTH = 10;
const DATE_SEPARATORS = ' ./-';

/**
 * A candidate that is a short number and then an ISO date (alone, or after a space, dot, slash
 * or hyphen) holds no phone number, as log lines start with one. The date can only be the last
 * ten characters, so it is tested there rather than searched for from every position.
 */
function dateTailed(candidate: string): boolean {
  const at = candidate.length - ISO_DATE_LENGTH;
  if (at < 0) {
    return false;
  }
  if (at > 0 && !DATE_SEPARATORS.includes(candidate[at - 1])) {
    return false;
  }
  ISO_DATE_AT.lastIndex = at;
  return ISO_DATE_AT.test(candidate) && digitCount(candidate.slice(0, Math.max(0, at - 1))) < 7;
}
const MAX_SINGLE_DIGIT_GROUPS = 2;

/**
 * Cheap shape test before the matcher: a national number written as one block has 9+ digits,
 * and no number is glued to a word, a UUID or an amount, or shaped like a postcode. Any group
 * lengths pass (pairs as in 06 12 34 56 78 included).
 */
function phoneShaped(candidate: string, before: number, leniency: PhoneLeniency): boolean {
  if (before === 45 || before === 95 || (leniency !== 'POSSIBLE' && isAsciiAlnum(before))) {
    return false;
  }
  if (candidate.startsWith('+')) {
    return true;
  }
  if (MONEY.test(candidate) || (leniency !== 'POSSIBLE' && POSTCODE.test(candidate))) {
    return false;
  }
  const groups = candidate.match(GROUPS) ?? [];
  if (groups.length === 1) {
    return groups[0].length >= 9;
  }
  // Numbers are written in a few groups, rarely of one digit ("+1", "(0)", a 9-digit number
  // in pairs); runs of many short groups are tables and lists, which the matcher is slow on.
  let single = 0;
  for (const g of groups) {
    if (g.length === 1 && ++single > MAX_SINGLE_DIGIT_GROUPS) {
      return false;
    }
  }
  return groups.length <= MAX_GROUPS;
}

function digitCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      n++;
    }
  }
  return n;
}

/** National significant number groups as libphonenumber formats them ("+1 415 555 0132" → 415, 555, 0132). */
function formattedGroups(number: PhoneNumber): string[] {
  return number.formatInternational().split(NON_DIGITS).filter(Boolean).slice(1);
}

/** libphonenumber's STRICT_GROUPING: no formatted group is split apart in the text. */
function groupsRemainGrouped(number: PhoneNumber, candidate: string): boolean {
  const groups = formattedGroups(number);
  let from = 0;
  const cc = number.countryCallingCode;
  if (
    candidate.trimStart().startsWith('+') ||
    candidate.replace(/\D/g, '').startsWith(cc + number.nationalNumber)
  ) {
    from = candidate.indexOf(cc) + cc.length;
  }
  for (const g of groups) {
    const at = candidate.indexOf(g, from);
    if (at < 0) {
      return false;
    }
    from = at + g.length;
  }
  return true;
}

/** libphonenumber's EXACT_GROUPING: the text groups equal the formatted ones, or form one block. */
function groupsExactlyPresent(number: PhoneNumber, candidate: string): boolean {
  const candidateGroups = candidate.split(NON_DIGITS).filter(Boolean);
  let ci = candidateGroups.length - 1;
  if (candidateGroups.length === 1 || candidateGroups[ci].includes(number.nationalNumber)) {
    return true;
  }
  const groups = formattedGroups(number);
  for (let fi = groups.length - 1; fi > 0 && ci >= 0; fi--, ci--) {
    if (candidateGroups[ci] !== groups[fi]) {
      return false;
    }
  }
  return ci >= 0 && candidateGroups[ci].endsWith(groups[0]);
}

function accepted(number: PhoneNumber, candidate: string, leniency: PhoneLeniency): boolean {
  switch (leniency) {
    case 'POSSIBLE':
    case 'VALID':
      return true;
    case 'STRICT_GROUPING':
      return groupsRemainGrouped(number, candidate);
    case 'EXACT_GROUPING':
      return groupsRemainGrouped(number, candidate) && groupsExactlyPresent(number, candidate);
  }
}

/**
 * A Latin letter that starts no extension label ("ext", "x", "anexo", "int"; the matcher reads
 * them in any case) in what the window holds after the number.
 */
const NOT_EXTENSION = /^(?!e?x|an|in)[a-z]/i;
/** Digits with single hyphens between them: the matcher splits a candidate at two or more. */
const DIGITS_AND_HYPHENS = /^\d+(?:-\d+)*-?$/;
const DIGIT = /\d/;

/**
 * Whether the matcher can find nothing in a window whose candidate is digits and bare hyphens
 * glued to a word, as in a UUID: a number followed by a Latin letter is refused, and a single
 * hyphen is no place to split it into an inner match (a run of them is).
 */
export function gluedToWord(
  window: string,
  coreStart: number,
  coreLength: number,
  leniency: PhoneLeniency,
): boolean {
  const end = coreStart + coreLength;
  return (
    leniency !== 'POSSIBLE' &&
    NOT_EXTENSION.test(window.slice(end)) &&
    DIGITS_AND_HYPHENS.test(window.slice(coreStart, end)) &&
    !DIGIT.test(window.slice(0, coreStart)) &&
    !NON_ASCII.test(window)
  );
}

/**
 * Runs `fn` with errors capturing no stack trace. The matcher throws and catches a parse error
 * for most candidates it rejects, and capturing the stack was a large part of its time; none
 * of those errors leaves it.
 */
function withoutStackTraces<T>(fn: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return fn();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * Runs libphonenumber's matcher over one small window, region by region (a national number is
 * only recognisable with its region), skipping regions whose metadata rules out every digit run
 * of the window. Stops early once a region explains the whole candidate.
 */
function findInWindow(
  window: string,
  coreStart: number,
  coreLength: number,
  regions: readonly string[],
  leniency: PhoneLeniency,
): [number, number][] {
  const international = window.charCodeAt(coreStart) === 43;
  const spans: [number, number][] = [];
  let tryRegions: readonly (string | undefined)[];
  if (leniency === 'POSSIBLE') {
    tryRegions = international ? [undefined] : regions;
  } else if (international) {
    const known = leadingGroupsSpans(window, coreStart, leniency);
    if (known !== undefined) {
      return known;
    }
    tryRegions = [undefined];
  } else {
    const plain = plainNationalSpans(window, coreStart, coreLength, regions, leniency);
    if (plain !== undefined) {
      return plain;
    }
    const worth = regionsWorthTrying(window, regions);
    const grouped = spacedGroupsSpans(window, coreStart, coreLength, worth, leniency);
    if (grouped !== undefined) {
      return grouped;
    }
    tryRegions = worth;
  }
  const seen: CandidateRuns = new Map();
  for (const region of tryRegions) {
    const found = withoutStackTraces(() =>
      region !== undefined && leniency !== 'POSSIBLE'
        ? findValidInRegion(window, region, seen)
        : findNumbers(window, {
            defaultCountry: region as CountryCode | undefined,
            v2: true,
            leniency: leniency === 'POSSIBLE' ? 'POSSIBLE' : 'VALID',
          } as { defaultCountry?: CountryCode; v2: true }),
    );
    let covered = false;
    for (const f of found) {
      if (!accepted(f.number, window.slice(f.startsAt, f.endsAt), leniency)) {
        continue;
      }
      if (!spans.some(([s, e]) => s === f.startsAt && e === f.endsAt)) {
        spans.push([f.startsAt, f.endsAt]);
      }
      covered ||= f.startsAt <= coreStart + 1 && f.endsAt >= coreStart + coreLength;
    }
    if (covered) {
      break;
    }
  }
  return spans;
}

/**
 * The fewest digits a number libphonenumber accepts can have: a national number of the shortest
 * possible length of any region (international ones add a calling code).
 */
const MIN_NUMBER_DIGITS = minPossibleLength();

/**
 * Whether a number found in `text[from, to)` would overlap a settled finding (and be dropped):
 * a number that misses them all is made of the digits outside them, and there are too few.
 */
function onlySettledDigits(
  text: string,
  from: number,
  to: number,
  settled: readonly Finding[],
): boolean {
  let inside = 0;
  let outside = 0;
  for (let i = from; i < to && i < text.length; i++) {
    if (isAsciiDigit(text.charCodeAt(i))) {
      if (insideSettled(settled, i, i + 1)) {
        inside++;
      } else if (++outside >= MIN_NUMBER_DIGITS) {
        return false;
      }
    }
  }
  return inside > 0;
}

/** Words naming the number before it as something else: an order, a parcel, an account, an id. */
const ID_LABELS = new Set([
  'order',
  'invoice',
  'inv',
  'ref',
  'reference',
  'parcel',
  'tracking',
  'shipment',
  'account',
  'acct',
  'ticket',
  'case',
  'booking',
  'badge',
  'serial',
  'sku',
  'id',
  'iban',
  'postcode',
  'zip',
  'plz',
  'cep',
  'steuer',
  'idnr',
  'dni',
  'nie',
  'nif',
  'nhs',
  'ssn',
  'insee',
  'passport',
  'policy',
  'contract',
  'transaction',
  'receipt',
  'vat',
  'tax',
  'card',
  'customer',
  'member',
  'employee',
]);
/** Words that make a number a phone number even after an id label ("customer hotline"). */
const PHONE_WORDS =
  / (?:phone|telephone|tel|mobile|cell|call|fax|whatsapp|ring|text|hotline|portable|handy|telefon|telefono|movil|cellulare|landline) /;
const LABEL_WORDS = 3;

/** Whether one of the last few words before `start` labels the number as another kind of id. */
function underIdLabel(text: string, start: number): boolean {
  const joined = joinedWordsBefore(text, start);
  if (PHONE_WORDS.test(joined)) {
    return false;
  }
  const words = joined.trim().split(' ');
  for (let i = Math.max(0, words.length - LABEL_WORDS); i < words.length; i++) {
    if (ID_LABELS.has(words[i])) {
      return true;
    }
  }
  return false;
}

const SCORE = 0.4;
/**
 * A national number written as one block of digits, which order, parcel and invoice numbers
 * also are: it needs a context word to reach the default threshold.
 */
const BLOCK_SCORE = 0.2;

function isOneBlock(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    if (!isAsciiDigit(text.charCodeAt(i))) {
      return false;
    }
  }
  return true;
}

export const phoneRecognizer: Recognizer = {
  entity: 'PHONE_NUMBER',
  context: [
    'phone',
    'telephone',
    'tel',
    'mobile',
    'cell',
    'call',
    'fax',
    'contact',
    'number',
    'whatsapp',
  ],
  maxScore: SCORE,
  yieldToSettled: true,
  mayMatch: () => true,
  find(text, ctx, out) {
    const { regions, leniency } = ctx.phone;
    const first = out.length;
    let seen: Set<number> | undefined;
    const push = (from: number, spans: readonly [number, number][]): void => {
      for (const [s, e] of spans) {
        const start = from + s;
        const end = from + e;
        const k = start * 65536 + (end - start);
        seen ??= new Set();
        if (!seen.has(k)) {
          seen.add(k);
          if (leniency !== 'POSSIBLE' && underIdLabel(text, start)) {
            continue;
          }
          const score = isOneBlock(text, start, end) ? BLOCK_SCORE : SCORE;
          out.push({ entity: 'PHONE_NUMBER', start, end, score });
        }
      }
    };
    let cache: Map<string, readonly [number, number][]> | undefined;
    const matched = (window: string, coreStart: number, coreLength: number) => {
      cache ??= windowCache(leniency, regions);
      let spans = cache.get(window);
      if (spans === undefined) {
        spans = findInWindow(window, coreStart, coreLength, regions, leniency);
        remember(cache, window, spans);
      }
      return spans;
    };
    // Windows whose numbers would lose to a settled finding unless a context boost lifted them.
    const deferred: { from: number; window: string; coreStart: number; coreLength: number }[] = [];
    forEachMatch(CANDIDATE, text, (m) => {
      const digits = digitCount(m[0]);
      if (
        digits < 7 ||
        NOT_PHONE.test(m[0]) ||
        LONG_BLOCK.test(m[0]) ||
        !phoneShaped(m[0], text.charCodeAt(m.index - 1), leniency) ||
        dateTailed(m[0])
      ) {
        return;
      }
      const from = Math.max(0, m.index - CONTEXT_CHARS);
      const to = m.index + m[0].length + CONTEXT_CHARS;
      const window = text.slice(from, to);
      const coreStart = m.index - from;
      const coreLength = m[0].length;
      const plain =
        window.charCodeAt(coreStart) === 43 ? plainInternationalSpans(window, leniency) : undefined;
      if (plain !== undefined) {
        push(from, plain);
        return;
      }
      if (gluedToWord(window, coreStart, coreLength, leniency)) {
        return;
      }
      if (!NON_ASCII.test(window)) {
        // Card and IBAN digits: any number found there would lose to the settled finding.
        if (onlySettledDigits(text, from, to, ctx.settled(false))) {
          return;
        }
        // IP (and MAC) digits too, but those outrank only numbers that get no context boost.
        if (!ctx.mayBoost(from, to) && onlySettledDigits(text, from, to, ctx.settled(true))) {
          deferred.push({ from, window, coreStart, coreLength });
          return;
        }
      }
      push(from, matched(window, coreStart, coreLength));
    });
    // A deferred window's numbers lose only if no number in the text is boosted: a boosted one
    // could outrank, and so unsettle, a finding they overlap.
    if (deferred.length > 0 && out.slice(first).some((f) => ctx.mayBoost(f.start, f.start))) {
      for (const d of deferred) {
        push(d.from, matched(d.window, d.coreStart, d.coreLength));
      }
    }
  },
};
