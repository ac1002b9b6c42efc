import { isAsciiDigit } from '../engine/recognizer';
import type { PhoneLeniency } from '../types';
import { validNational } from './phone-international';
import { isPlainBoundary, NON_ASCII, PLAIN_AFTER } from './phone-plus-window';

/**
 * A shortcut for windows whose candidate is one block of digits written without a `+` (order,
 * account and card-like numbers, mostly): the matcher's candidate there is the block itself,
 * which it either accepts whole for a region or not at all (a block has no separators to find
 * an inner number between). The matcher costs about 0.3 ms a window, most of it rebuilding
 * patterns and options for every parse; this answers from patterns compiled once.
 * phone-national-window.spec.ts checks it against the matcher on random windows.
 */

/** Longer blocks the matcher may cut by its own digit limits. */
const MAX_BLOCK_DIGITS = 17;
/** Before the block: nothing that opens a candidate or adds digits to it. */
const PLAIN_BEFORE = /^[^\d+([\uff08\uff3b]*$/;

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
    (coreStart > 0 && !isPlainBoundary(window.charCodeAt(coreStart - 1))) ||
    !PLAIN_BEFORE.test(window.slice(0, coreStart)) ||
    !PLAIN_AFTER.test(window.slice(end)) ||
    NON_ASCII.test(window)
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
