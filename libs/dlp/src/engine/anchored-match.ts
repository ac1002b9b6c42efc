/**
 * Running a pattern only where it can start. Patterns that open with a broad character class
 * (hex digits, digits) make the regex engine try almost every position of the text; the
 * recognizers instead find the few positions a match could start at with `indexOf` over a rare
 * character, and try a sticky copy of the pattern there. As long as the positions include every
 * start the pattern could match at, the matches are exactly those of a global scan: a sticky
 * match at a position depends only on the text, and positions inside an earlier match are
 * skipped just as the global scan skips them.
 */

/** A sticky (`y`) copy of a global pattern, tried at one position at a time. */
export function stickyCopy(re: RegExp): RegExp {
  return new RegExp(re.source, re.flags.replace('g', '') + 'y');
}

/** Per character: the last text searched and where the character stands in it. */
const lastPositions = new Map<string, { text: string; positions: readonly number[] }>();

/**
 * Positions of `ch` in `text`, ascending. Several recognizers look for the same characters in
 * the same text (dots for IPv4 addresses, URLs and MACs), so the last answer is kept per
 * character.
 */
export function positionsOf(text: string, ch: string): readonly number[] {
  const last = lastPositions.get(ch);
  if (last !== undefined && last.text === text) {
    return last.positions;
  }
  const positions: number[] = [];
  for (let i = text.indexOf(ch); i >= 0; i = text.indexOf(ch, i + 1)) {
    positions.push(i);
  }
  lastPositions.set(ch, { text, positions });
  return positions;
}

/**
 * Like a global `exec` loop, but only trying `starts` (any order, duplicates allowed, each a
 * position where a match could begin).
 */
export function forEachMatchAt(
  sticky: RegExp,
  text: string,
  starts: number[],
  accept: (m: RegExpExecArray) => void,
): void {
  if (starts.length === 0) {
    return;
  }
  // Most lists come in order; checking is cheaper than a sort with a comparator.
  for (let i = 1; i < starts.length; i++) {
    if (starts[i] < starts[i - 1]) {
      starts.sort((a, b) => a - b);
      break;
    }
  }
  let next = 0;
  for (const p of starts) {
    if (p < next || p < 0) {
      continue;
    }
    sticky.lastIndex = p;
    const m = sticky.exec(text);
    if (m !== null) {
      accept(m);
      next = p + Math.max(1, m[0].length);
    }
  }
}
