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

function isLowerOrDigit(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57);
}

/**
 * `wordsBefore(text, start)` joined as ` w1 w2 ... ` (the form {@link hasContextIn} reads), built
 * in one pass over ASCII windows: it runs once per raw finding, so the regex-based split was a
 * hot spot. Other windows take the general path, whose lower-casing rules differ outside ASCII.
 */
export function joinedWordsBefore(text: string, start: number): string {
  const from = Math.max(0, start - WINDOW_CHARS);
  const window = text.slice(from, start);
  const words: string[] = [];
  let word = '';
  let prev = 0;
  for (let i = 0; i < window.length; i++) {
    const code = window.charCodeAt(i);
    if (code > 127) {
      return ` ${wordsBefore(text, start).join(' ')} `;
    }
    const upper = code >= 65 && code <= 90;
    // Same boundaries as contextWords: non-alphanumerics, and a capital after a lower-case letter or digit.
    if (upper && isLowerOrDigit(prev) && word !== '') {
      words.push(word);
      word = '';
    }
    if (upper) {
      word += String.fromCharCode(code + 32);
    } else if (isLowerOrDigit(code)) {
      word += window[i];
    } else if (word !== '') {
      words.push(word);
      word = '';
    }
    prev = code;
  }
  if (word !== '') {
    words.push(word);
  }
  const last = words.length > WINDOW_WORDS ? words.slice(words.length - WINDOW_WORDS) : words;
  return ` ${last.join(' ')} `;
}

/** {@link hasContext} over words already joined by {@link joinedWordsBefore}. */
export function hasContextIn(entityContext: readonly string[], joined: string): boolean {
  if (joined.length <= 2) {
    return false;
  }
  for (const c of entityContext) {
    if (joined.includes(` ${c} `) || (c.length >= 4 && joined.includes(c))) {
      return true;
    }
  }
  return false;
}

/** Per context entry, a word any match of it contains, lower-case. */
const probes = new WeakMap<readonly string[], readonly string[]>();

function probesOf(entityContext: readonly string[]): readonly string[] {
  let list = probes.get(entityContext);
  if (list === undefined) {
    // A phrase matches only where its first word is. Entries with other characters than
    // letters, digits and spaces never match.
    list = entityContext.filter((c) => /^[a-z0-9 ]+$/.test(c)).map((c) => c.split(' ')[0]);
    probes.set(entityContext, list);
  }
  return list;
}

/**
 * Whether one of `entityContext` stands among the words just before `start`. Most findings have
 * none of them anywhere near, which one look at the lower-cased window tells: every word
 * {@link joinedWordsBefore} yields is a piece of it.
 */
export function hasContextBefore(
  entityContext: readonly string[],
  text: string,
  start: number,
): boolean {
  return (
    mayHaveContextBefore(entityContext, text, start, start) &&
    hasContextIn(entityContext, joinedWordsBefore(text, start))
  );
}

/**
 * Whether {@link hasContextBefore} may hold for some start in `[from, to]` (never false when it
 * does): the windows it reads all lie in `text[from - WINDOW_CHARS, to)`.
 */
export function mayHaveContextBefore(
  entityContext: readonly string[],
  text: string,
  from: number,
  to: number,
): boolean {
  const window = text.slice(Math.max(0, from - WINDOW_CHARS), to).toLowerCase();
  return probesOf(entityContext).some((word) => window.includes(word));
}

export function boost(score: number): number {
  return Math.min(1, Math.max(score + CONTEXT_BOOST, MIN_SCORE_WITH_CONTEXT));
}
