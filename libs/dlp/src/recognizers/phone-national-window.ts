import { isAsciiDigit } from '../engine/recognizer';
import type { PhoneLeniency } from '../types';
import { validNational } from './phone-international';
import { isPlainBoundary, NON_ASCII, PLAIN_AFTER } from './phone-plus-window';

/**
 * Shortcuts for windows whose candidate is one block of digits written without a `+` (order,
 * account and card-like numbers, mostly): the matcher's candidate there is the block itself,
 * which it either accepts whole for a region or not at all (a block has no separators to find
 * an inner number between). The matcher costs about 0.3 ms a window, most of it rebuilding
 * patterns and options for every parse; this answers from patterns compiled once.
 * The same holds, group by group, for digit groups split by single spaces (cards, account
 * numbers, IBAN tails). phone-national-window.spec.ts checks both against the matcher on random
 * windows.
 */

/** Longer blocks the matcher may cut by its own digit limits. */
const MAX_BLOCK_DIGITS = 17;
/**
 * Before the block: nothing that opens a candidate or adds digits to it. Digits glued to a
 * following letter ("3C 1742 461") are a candidate of their own that the matcher refuses for
 * that letter; an `x` would be read as punctuation and join them to the block.
 */
const PLAIN_BEFORE = /^(?:[^\d+([\uff08\uff3b]|\d+(?=[A-WYZa-wyz]))*$/;

/** Whether the window around `[coreStart, end)` is plain text the matcher joins nothing from. */
function plainAround(window: string, coreStart: number, end: number): boolean {
  return (
    (coreStart === 0 || isPlainBoundary(window.charCodeAt(coreStart - 1))) &&
    PLAIN_BEFORE.test(window.slice(0, coreStart)) &&
    PLAIN_AFTER.test(window.slice(end)) &&
    !NON_ASCII.test(window)
  );
}

/**
 * The matcher's spans for a window whose candidate `[coreStart, coreStart + coreLength)` is one
 * block of ASCII digits with only plain text around it, searched with each of `regions`: the
 * block when it is a valid number in one of them, else nothing. Undefined when the window needs
 * the matcher.
 */
export function plainNationalSpans(
  window: string,
  coreStart: number,
  coreLength: number,
  regions: readonly string[],
  leniency: PhoneLeniency,
): [number, number][] | undefined {
  const end = coreStart + coreLength;
  if (
    leniency !== 'VALID' ||
    coreLength > MAX_BLOCK_DIGITS ||
    !plainAround(window, coreStart, end)
  ) {
    return undefined;
  }
  for (let i = coreStart; i < end; i++) {
    if (!isAsciiDigit(window.charCodeAt(i))) {
      return undefined;
    }
  }
  const digits = window.slice(coreStart, end);
  return regions.some((region) => validNational(digits, region)) ? [[coreStart, end]] : [];
}

/**
 * Digit groups split by single spaces or by single hyphens, a few of them, none longer than the
 * matcher reads whole.
 */
const SPACED_GROUPS = /^\d{1,17}(?: \d{1,17}){1,7}$/;
const HYPHENATED_GROUPS = /^\d{1,17}(?:-\d{1,17}){1,7}$/;
const GROUP = /\d+/g;

/**
 * The matcher's spans for one region in a candidate of groups: it tries the groups from `first`
 * on as one number, then, when they are split by spaces, each single group in turn (a single
 * hyphen is no place for an inner match), and after a match goes on from the groups after it.
 */
function groupSpansIn(
  groups: readonly { start: number; end: number; digits: string }[],
  region: string,
  splits: boolean,
): [number, number][] {
  const spans: [number, number][] = [];
  let first = 0;
  while (first < groups.length) {
    const rest = groups.slice(first);
    if (validNational(rest.map((g) => g.digits).join(''), region)) {
      spans.push([rest[0].start, rest[rest.length - 1].end]);
      break;
    }
    const inner =
      splits && rest.length > 1 ? rest.findIndex((g) => validNational(g.digits, region)) : -1;
    if (inner < 0) {
      break;
    }
    spans.push([rest[inner].start, rest[inner].end]);
    first += inner + 1;
  }
  return spans;
}

/**
 * The matcher's spans, region after region as the recognizer asks it, for a window whose
 * candidate is two to eight digit groups split by single spaces or single hyphens, with only
 * plain text around.
 * Stops at the first region whose numbers cover the candidate. Undefined when the window needs
 * the matcher.
 */
export function spacedGroupsSpans(
  window: string,
  coreStart: number,
  coreLength: number,
  regions: readonly string[],
  leniency: PhoneLeniency,
): [number, number][] | undefined {
  const end = coreStart + coreLength;
  const core = window.slice(coreStart, end);
  const spaced = SPACED_GROUPS.test(core);
  if (
    leniency !== 'VALID' ||
    !(spaced || HYPHENATED_GROUPS.test(core)) ||
    !plainAround(window, coreStart, end)
  ) {
    return undefined;
  }
  const groups = [...core.matchAll(GROUP)].map((m) => ({
    start: coreStart + m.index,
    end: coreStart + m.index + m[0].length,
    digits: m[0],
  }));
  const spans: [number, number][] = [];
  for (const region of regions) {
    let covered = false;
    for (const [s, e] of groupSpansIn(groups, region, spaced)) {
      if (!spans.some(([a, b]) => a === s && b === e)) {
        spans.push([s, e]);
      }
      covered ||= s <= coreStart + 1 && e >= end;
    }
    if (covered) {
      break;
    }
  }
  return spans;
}
