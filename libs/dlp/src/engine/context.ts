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
 * The words whose presence (case aside) a context list's entries need: an entry is there only if
 * its longest word is. Entries with other characters than letters, digits and spaces ("d.o.b")
 * never match, and their one-letter pieces would make any test pass on almost any text.
 */
function probeWords(entityContext: readonly string[]): string[] {
  return (
    entityContext
      .filter((c) => /^[a-z0-9 ]+$/.test(c))
      .map((c) => c.split(' ').reduce((a, b) => (b.length > a.length ? b : a), ''))
      .filter(Boolean)
      // A word holding another ("birthday", "birth") adds nothing to the test.
      .filter((w, _, all) => !all.some((o) => o !== w && w.includes(o)))
  );
}

/**
 * Lower-casing makes a letter of two characters outside ASCII, the Kelvin sign (k) and the
 * dotted capital I (i), so a text holding either may hold a context word the probes miss.
 */
const MAKES_ASCII_LETTER = '|[\u0130\u212a]';

const textProbes = new WeakMap<readonly string[], RegExp>();
const windowProbes = new WeakMap<readonly string[], RegExp>();

/** English letters from the most to the least frequent. */
const LETTERS_BY_FREQUENCY = 'etaoinshrdlcumwfgypbvkjxqz';

/** Where `word` holds its least frequent letter (a digit counts as rarer than any letter). */
function rarestLetterAt(word: string): number {
  let at = 0;
  let rank = -1;
  for (let i = 0; i < word.length; i++) {
    const r = LETTERS_BY_FREQUENCY.indexOf(word[i]);
    const wordRank = r < 0 ? LETTERS_BY_FREQUENCY.length : r;
    if (wordRank > rank) {
      at = i;
      rank = wordRank;
    }
  }
  return at;
}

/**
 * Per context list: a test that passes on every text holding one of its entries as
 * {@link hasContextIn} finds them (and on some others). Each word is looked for from its least
 * frequent letter, then checked behind it ("dob" as `b(?<=dob)`): over a whole text, the regex
 * engine skips ahead fast to a few rare letters, but stops at every common one a word starts
 * with.
 */
export function contextProbe(entityContext: readonly string[]): RegExp {
  let probe = textProbes.get(entityContext);
  if (probe === undefined) {
    const words = probeWords(entityContext);
    const fromRarest = words.map((w) => {
      const at = rarestLetterAt(w);
      return at === 0 ? w : `${w.slice(at)}(?<=${w})`;
    });
    probe = new RegExp(
      words.length === 0 ? '(?!)' : `${fromRarest.join('|')}${MAKES_ASCII_LETTER}`,
      'i',
    );
    textProbes.set(entityContext, probe);
  }
  return probe;
}

/** The same test for the short windows before a finding, exact about the words. */
function windowProbe(entityContext: readonly string[]): RegExp {
  let probe = windowProbes.get(entityContext);
  if (probe === undefined) {
    const words = probeWords(entityContext);
    probe = new RegExp(
      words.length === 0 ? '(?!)' : `${words.join('|')}${MAKES_ASCII_LETTER}`,
      'i',
    );
    windowProbes.set(entityContext, probe);
  }
  return probe;
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
  return windowProbe(entityContext).test(text.slice(Math.max(0, from - WINDOW_CHARS), to));
}

export function boost(score: number): number {
  return Math.min(1, Math.max(score + CONTEXT_BOOST, MIN_SCORE_WITH_CONTEXT));
}
