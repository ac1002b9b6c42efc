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

/**
 * Per context entry, a word any match of it contains, and whether that word must stand alone
 * (short words count only as words of their own; longer ones and phrases also inside words).
 */
interface Probe {
  word: string;
  alone: boolean;
}
const probes = new WeakMap<readonly string[], readonly Probe[]>();

function probesOf(entityContext: readonly string[]): readonly Probe[] {
  let list = probes.get(entityContext);
  if (list === undefined) {
    // A phrase, or a long word, may match inside longer words: its first word is in the text.
    // Entries with other characters than letters, digits and spaces never match.
    list = entityContext
      .filter((c) => /^[a-z0-9 ]+$/.test(c))
      .map((c) =>
        c.includes(' ') || c.length >= 4
          ? { word: c.split(' ')[0], alone: false }
          : { word: c, alone: true },
      )
      // Plain look-ups first: the word-by-word ones walk every occurrence.
      .sort((a, b) => Number(a.alone) - Number(b.alone));
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
  const window = text.slice(Math.max(0, start - WINDOW_CHARS), start).toLowerCase();
  const found = probesOf(entityContext).some(({ word }) => window.includes(word));
  return found && hasContextIn(entityContext, joinedWordsBefore(text, start));
}

function isUpper(code: number): boolean {
  return code >= 65 && code <= 90;
}

/** Whether `text[at, at + length)` can be one word of {@link contextWords} at both ends. */
function wordBounded(text: string, at: number, length: number): boolean {
  const before = at > 0 ? text.charCodeAt(at - 1) : 32;
  const after = text.charCodeAt(at + length);
  const startsWord =
    !(isLowerOrDigit(before) || isUpper(before)) ||
    (isLowerOrDigit(before) && isUpper(text.charCodeAt(at)));
  const endsWord =
    Number.isNaN(after) ||
    !(isLowerOrDigit(after) || isUpper(after)) ||
    (isUpper(after) && isLowerOrDigit(text.charCodeAt(at + length - 1)));
  return startsWord && endsWord;
}

/**
 * Whether one of `entityContext` may stand anywhere in `text` (true also on some texts without
 * one, never false on a text with one). `lowerText` is `text` lower-cased. Entries of four
 * letters or more count inside longer words, as {@link hasContextIn} has them; shorter ones only
 * as words of their own.
 */
export function mayHaveContext(
  entityContext: readonly string[],
  text: string,
  lowerText: string,
): boolean {
  if (lowerText.length !== text.length) {
    return hasContextIn(entityContext, ` ${contextWords(text).join(' ')} `);
  }
  return probesOf(entityContext).some(({ word, alone }) => {
    if (!alone) {
      return lowerText.includes(word);
    }
    for (let at = lowerText.indexOf(word); at >= 0; at = lowerText.indexOf(word, at + 1)) {
      if (wordBounded(text, at, word.length)) {
        return true;
      }
    }
    return false;
  });
}

export function boost(score: number): number {
  return Math.min(1, Math.max(score + CONTEXT_BOOST, MIN_SCORE_WITH_CONTEXT));
}
