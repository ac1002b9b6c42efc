import type { EntityType, Finding, PhoneOptions } from '../types';

/** What a recognizer gets besides the text. */
export interface RecognizerContext {
  phone: Required<PhoneOptions>;
  /**
   * For recognizers that `yieldToSettled`: findings that survive overlap resolution and outrank
   * whatever such a recognizer adds to this text (disjoint, sorted by start), built on first
   * use. Those above its boosted score first; with `all`, also those above its plain score,
   * which outrank only its findings that get no context boost (see `mayBoost`).
   */
  settled(all: boolean): readonly Finding[];
  /**
   * Whether a finding of that recognizer starting in `[from, to]` may get a context boost; false
   * is certain.
   */
  mayBoost(from: number, to: number): boolean;
}

/**
 * One entity's detector: cheap candidate patterns, then validation. Scores are raw; the scanner
 * adds the context boost.
 */
export interface Recognizer {
  readonly entity: EntityType;
  /** Lower-case words that, shortly before a match (or as its JSON key), make it more likely. */
  readonly context: readonly string[];
  /**
   * The highest score `find` can give. When it is below the caller's `minScore`, only a context
   * boost can lift a finding, so text without any context word is not searched at all.
   */
  readonly maxScore?: number;
  /**
   * Set on a recognizer whose findings score `maxScore` at most (more only by a context boost):
   * it runs after the others and may skip candidates whose findings could only overlap a
   * settled one, since overlap resolution would drop them.
   */
  readonly yieldToSettled?: boolean;
  /** A quick whole-text test: false means this recognizer cannot match, so it is skipped. */
  mayMatch(text: string): boolean;
  find(text: string, ctx: RecognizerContext, out: Finding[]): void;
}

/** Runs a global regex over the text and hands each match to `accept` (which may push findings). */
export function forEachMatch(re: RegExp, text: string, accept: (m: RegExpExecArray) => void): void {
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    accept(m);
    if (m[0].length === 0) {
      re.lastIndex++;
    }
  }
}

/** Whether `[start, end)` lies inside one of `settled` (disjoint and sorted by start). */
export function insideSettled(settled: readonly Finding[], start: number, end: number): boolean {
  let lo = 0;
  let hi = settled.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (settled[mid].start <= start) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo > 0 && settled[lo - 1].end >= end;
}

export function isAsciiAlnum(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

export function isAsciiDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}
