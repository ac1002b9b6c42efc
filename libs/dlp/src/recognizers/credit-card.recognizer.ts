import { forEachMatchAt, stickyCopy } from '../engine/anchored-match';
import { hasContextBefore } from '../engine/context';
import { hasSevenDigits } from '../engine/digit-runs';
import { DIGIT_HINTS } from '../engine/hint-union';
import { isAsciiDigit, type Recognizer } from '../engine/recognizer';
import type { Finding } from '../types';
import { cardIssued, SHORT_CARD_DIGITS } from '../validators/card-issuer.validator';
import { luhnValid } from '../validators/luhn.validator';
import { frInseeValid } from '../validators/national-id.validators';

/**
 * A run of digit groups split by single spaces or dashes, not glued to a word. A card is a
 * stretch of whole groups of it with one kind of separator, 12 to 19 digits long, issued by a
 * network (see card-issuer.validator) and passing Luhn. Printed cards open with a group of four
 * or more digits and only the last group is shorter than three ("4556 7375 8689 9"), which
 * also keeps long runs of pairs (phone numbers, tables) from being tried at every group.
 */
export const RUN = /(?<![\w+-]|\d[.,])\d+(?:[ -]\d+)*(?![\w-]|[.,]\d)/g;
const RUN_AT = stickyCopy(RUN);
const GROUP = /\d+/g;
/**
 * Four digits, a separator, three more: with seven digits in a row, what every card holds. Its
 * first group has four digits or more, and every group but its last has three or more (a
 * two-group card with a short last group has ten digits in its first). Most texts hold neither,
 * and the seven-digit answer is shared with other recognizers, so they skip the scan of RUN.
 */
const GROUPED_SEVEN = /\d\d\d\d[ -]\d\d\d/;
const hasGroupedSeven = DIGIT_HINTS.add(GROUPED_SEVEN);
const MIN_DIGITS = 12;
const MAX_DIGITS = 19;
/**
 * From a digit, a stretch of digits, spaces and dashes at least MIN_DIGITS long, to its end. The
 * first twelve characters are spelt out, so the engine skips ahead over the text, where RUN
 * stops at every digit.
 */
const LONG_STRETCH = /\d[\d -][\d -][\d -][\d -][\d -][\d -][\d -][\d -][\d -][\d -][\d -][\d -]*/g;

/**
 * Where a match of RUN with MIN_DIGITS characters or more can start: a group's first digit in a
 * long stretch. Shorter matches are never cards, and skipping them changes no longer one: a
 * match starting inside a shorter one would end no later (RUN is greedy) and be shorter still.
 */
export function longRunStarts(text: string): number[] {
  const starts: number[] = [];
  LONG_STRETCH.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = LONG_STRETCH.exec(text)) !== null) {
    const end = m.index + m[0].length;
    for (let i = m.index; i < end; i++) {
      if (isAsciiDigit(text.charCodeAt(i)) && !isAsciiDigit(text.charCodeAt(i - 1))) {
        starts.push(i);
      }
    }
  }
  return starts;
}

const CONTEXT = [
  'credit',
  'card',
  'visa',
  'mastercard',
  'maestro',
  'amex',
  'cc',
  'pan',
  'debit',
  'jcb',
  'payment',
];

interface Group {
  start: number;
  end: number;
}

/**
 * UATP numbers (15 digits from 1) share their shape with French social security numbers; one
 * that is a valid NIR is a card only next to card context.
 */
function insteadNir(digits: string): boolean {
  return digits.length === 15 && digits.charCodeAt(0) === 49 && frInseeValid(digits);
}

/** The last group of the longest card made of whole groups from `first` on, or -1. */
function cardAt(
  text: string,
  groups: readonly Group[],
  first: number,
  hasCardContext: () => boolean,
): number {
  let digits = '';
  let sep = '';
  let best = -1;
  for (let last = first; last < groups.length; last++) {
    if (last > first) {
      const s = text[groups[last].start - 1];
      if (sep === '') {
        sep = s;
      } else if (s !== sep) {
        break;
      }
    }
    const length = groups[last].end - groups[last].start;
    digits += text.slice(groups[last].start, groups[last].end);
    if (digits.length > MAX_DIGITS) {
      break;
    }
    if (
      digits.length >= MIN_DIGITS &&
      cardIssued(digits) &&
      luhnValid(digits) &&
      ((digits.length > SHORT_CARD_DIGITS && !insteadNir(digits)) || hasCardContext())
    ) {
      best = last;
    }
    if (length < 3) {
      break;
    }
  }
  return best;
}

export const creditCardRecognizer: Recognizer = {
  entity: 'CREDIT_CARD',
  context: CONTEXT,
  mayMatch: (text) => hasSevenDigits(text) || hasGroupedSeven(text),
  find(text, _ctx, out: Finding[]) {
    forEachMatchAt(RUN_AT, text, longRunStarts(text), (m) => {
      if (m[0].length < MIN_DIGITS) {
        return;
      }
      const groups: Group[] = [];
      GROUP.lastIndex = 0;
      let g: RegExpExecArray | null;
      while ((g = GROUP.exec(m[0])) !== null) {
        groups.push({ start: m.index + g.index, end: m.index + g.index + g[0].length });
      }
      for (let first = 0; first < groups.length; first++) {
        const start = groups[first].start;
        if (groups[first].end - start < 4) {
          continue;
        }
        const last = cardAt(text, groups, first, () => hasContextBefore(CONTEXT, text, start));
        if (last >= 0) {
          out.push({ entity: 'CREDIT_CARD', start, end: groups[last].end, score: 1 });
          first = last;
        }
      }
    });
  },
};
