import { re2 } from './re2';

const SPECIAL = /[\\^$.*+?()[\]{}|/-]/g;
const WORD_CHAR = /[\p{L}\p{N}_]/u;

/**
 * Finds the listed words and phrases as whole words (no letter, digit or underscore on either
 * side), spaces in a phrase standing for any run of white space. The list is one RE2
 * alternation, longest entry first, so a scan is one pass over the text however long the list.
 */
export function denyListMatcher(
  words: readonly string[],
  caseSensitive: boolean,
): (text: string, each: (start: number, end: number) => boolean) => void {
  const alternatives = [...new Set(words.map((w) => w.trim()))]
    .sort((a, b) => b.length - a.length)
    .map((w) => w.replace(SPECIAL, '\\$&').split(/\s+/).join('\\s+'));
  const re = new (re2())(`(?:${alternatives.join('|')})`, caseSensitive ? 'gu' : 'giu');
  return (text, each) => {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      const start = m.index;
      const end = start + m[0].length;
      if (isWordChar(text, start - 1) || isWordChar(text, end)) {
        // A shorter entry, or a later one, may still start here or just after.
        re.lastIndex = start + 1;
        continue;
      }
      if (!each(start, end)) {
        return;
      }
    }
  };
}

function isWordChar(text: string, at: number): boolean {
  if (at < 0 || at >= text.length) {
    return false;
  }
  const code = text.charCodeAt(at);
  // A low surrogate is read with its high half, a high one with its low half.
  const from = code >= 0xdc00 && code <= 0xdfff && at > 0 ? at - 1 : at;
  return WORD_CHAR.test(String.fromCodePoint(text.codePointAt(from) ?? code));
}
