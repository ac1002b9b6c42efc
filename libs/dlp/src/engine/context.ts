/** Presidio's analyzer adds this much to a score when a context word is near. */
export const CONTEXT_BOOST = 0.35;
/** ...and lifts a boosted score to at least this. */
export const MIN_SCORE_WITH_CONTEXT = 0.4;
/** Context is searched this many characters before the match... */
const WINDOW_CHARS = 64;
/** ...and only in the last few words of that window. */
const WINDOW_WORDS = 6;

const WORD = /[a-z0-9]+/g;

/**
 * Splits a key or phrase into lower-case words: `dateOfBirth`, `date_of_birth` and
 * `Date of birth` all give date, of, birth.
 */
export function contextWords(phrase: string): string[] {
  const spaced = phrase.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return spaced.match(WORD) ?? [];
}

/** A context entry may be one word ("passport") or a phrase ("date of birth"). */
export function hasContext(entityContext: readonly string[], words: readonly string[]): boolean {
  if (words.length === 0 || entityContext.length === 0) {
    return false;
  }
  const joined = ` ${words.join(' ')} `;
  for (const c of entityContext) {
    if (joined.includes(` ${c} `) || (c.length >= 4 && joined.includes(c))) {
      return true;
    }
  }
  return false;
}

/** The last words before `start`, where Presidio-style context is looked for. */
export function wordsBefore(text: string, start: number): string[] {
  const from = Math.max(0, start - WINDOW_CHARS);
  const words = contextWords(text.slice(from, start));
  return words.length > WINDOW_WORDS ? words.slice(words.length - WINDOW_WORDS) : words;
}

export function boost(score: number): number {
  return Math.min(1, Math.max(score + CONTEXT_BOOST, MIN_SCORE_WITH_CONTEXT));
}
