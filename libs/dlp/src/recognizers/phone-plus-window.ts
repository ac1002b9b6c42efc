import { isAsciiDigit } from '../engine/recognizer';
import type { PhoneLeniency } from '../types';
import { validInternational } from './phone-international';

/**
 * Shortcuts for windows whose candidate starts with `+`, which are searched without a region:
 * there the matcher can only find a number written with that `+`, and whether it finds one
 * follows from which runs of the digits after it are valid numbers. The matcher's parse is
 * slow for such numbers (it builds a RegExp from the metadata for every pattern it tests, and
 * the NANP's calling code has 25 regions to test), so these answer where they can.
 * phone-international.spec.ts checks each against the matcher on random windows.
 */

/** libphonenumber also reads non-ASCII digits, which the shortcuts here do not look for. */
export const NON_ASCII = /[\u0080-\uffff]/;

/**
 * Space, tab, line breaks and quotes: the matcher neither joins them to a number nor refuses a
 * number next to them.
 */
export function isPlainBoundary(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 34 || code === 39;
}
/**
 * Before the `+`: nothing that opens a candidate (a bracket, another `+`). Digits alone cannot
 * be read without a region, which an international window is searched without.
 */
const PLAIN_BEFORE = /^[^+([\uff08\uff3b\u0080-\uffff]*$/;
/**
 * After the digits: closing punctuation, then a space or quote and text without digits; the
 * window may end in the start of another `+` number, too short to be one.
 */
export const PLAIN_AFTER = /^(?:[.,;:!?]?(?:["'\s][^\d+\u0080-\uffff]*(?:\+\d{0,2})?)?)$/;

/** Where the block of digits right after the `+` at `plusAt` ends. */
function firstBlockEnd(window: string, plusAt: number): number {
  let end = plusAt + 1;
  while (end < window.length && isAsciiDigit(window.charCodeAt(end))) {
    end++;
  }
  return end;
}

/** Whether nothing before the `+` at `plusAt` can join or refuse the number it starts. */
function plainBefore(window: string, plusAt: number): boolean {
  return (
    (plusAt === 0 || isPlainBoundary(window.charCodeAt(plusAt - 1))) &&
    PLAIN_BEFORE.test(window.slice(0, plusAt))
  );
}

/**
 * The matcher's answer for an international window whose number is `+` and one block of digits:
 * the whole number when it is valid, else nothing (a block without separators has no inner
 * match to fall back to). Undefined when the window needs the matcher.
 */
export function plainInternationalSpans(
  window: string,
  leniency: PhoneLeniency,
): [number, number][] | undefined {
  const start = window.indexOf('+');
  if (leniency !== 'VALID' || start < 0 || !plainBefore(window, start)) {
    return undefined;
  }
  const end = firstBlockEnd(window, start);
  if (!PLAIN_AFTER.test(window.slice(end))) {
    return undefined;
  }
  return validInternational(window.slice(start + 1, end)) ? [[start, end]] : [];
}

const DIGIT_GROUP = /\d+/g;
/**
 * The matcher drops a candidate whole, inner numbers and all, when it holds a date written with
 * slashes, a slash before an `x`, or ends in a time stamp's date and hour.
 */
const DROPPED_CANDIDATE = /[/\\]|[12]\d{3}[-/]?[01]\d[-/]?[0-3]\d +[0-2]\d/;

/**
 * The matcher's answer for the international window whose one `+` stands at `plusAt`, from which
 * of the numbers its leading digit groups spell are valid (a number found there is made of
 * whole groups: the matcher splits candidates at punctuation, and an extension comes after the
 * number's digits). Undefined when the window needs the matcher.
 * - No leading groups are a valid number: nothing.
 * - Only the first block is, and a space and a digit follow it: that block. The matcher tries
 *   the whole candidate first, whose digits are more, then splits it, each split leaving a
 *   prefix to try; the first prefix that holds only the first block is that block.
 */
export function leadingGroupsSpans(
  window: string,
  plusAt: number,
  leniency: PhoneLeniency,
): [number, number][] | undefined {
  if (
    leniency === 'POSSIBLE' ||
    window.indexOf('+') !== plusAt ||
    window.includes('+', plusAt + 1) ||
    NON_ASCII.test(window)
  ) {
    return undefined;
  }
  const groups = window.slice(plusAt + 1).match(DIGIT_GROUP) ?? [];
  let digits = '';
  let valid = -1;
  for (let g = 0; g < groups.length; g++) {
    digits += groups[g];
    if (validInternational(digits)) {
      if (valid >= 0) {
        return undefined;
      }
      valid = g;
    }
  }
  if (valid < 0) {
    return [];
  }
  const end = firstBlockEnd(window, plusAt);
  if (
    leniency !== 'VALID' ||
    valid !== 0 ||
    end === plusAt + 1 ||
    window.charCodeAt(end) !== 32 ||
    !isAsciiDigit(window.charCodeAt(end + 1)) ||
    !plainBefore(window, plusAt) ||
    DROPPED_CANDIDATE.test(window)
  ) {
    return undefined;
  }
  return [[plusAt, end]];
}
