import { forEachMatchAt, positionsOf, stickyCopy } from '../engine/anchored-match';
import { isAsciiAlnum, type Recognizer } from '../engine/recognizer';
import { hasPublicSuffix } from '../validators/domain.validator';

/**
 * A URL with a scheme, or a bare host name. Hosts must end in a public suffix, which keeps
 * "e.g" and "file.txt" out. Path characters stop at whitespace, quotes and angle brackets.
 */
export const URL_RE =
  /(?<![\w@./-])((?:https?|ftp):\/\/)?((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z][A-Za-z0-9-]{0,61}[A-Za-z0-9])(?::\d{1,5})?([/?#][^\s"'<>`]{0,2048})?/g;
const TRAILING_PUNCTUATION = /[.,;:!?)\]}]+$/;

const URL_AT = stickyCopy(URL_RE);
/** A label is at most 63 characters. */
const MAX_LABEL = 63;

/** A host has at most this many dots before its top-level label (`{1,8}` in URL_RE). */
const MAX_HOST_DOTS = 8;

function isAsciiLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/**
 * Whether a letter follows one of the first MAX_HOST_DOTS dots of the run of host characters
 * from the dot at `q`: a host's last label starts with a letter, after one of those dots. Times
 * and amounts (12:30:45.123Z, 123.45) have none.
 */
function hasLetterLabel(text: string, q: number): boolean {
  let dots = 0;
  for (let i = q; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 46) {
      if (isAsciiLetter(text.charCodeAt(i + 1))) {
        return true;
      }
      if (++dots === MAX_HOST_DOTS) {
        return false;
      }
    } else if (!isAsciiAlnum(code) && code !== 45) {
      return false;
    }
  }
  return false;
}

/**
 * Where a URL can start: the host's first label runs back from its first dot (the lookbehind
 * rules out a label character before it), and a scheme may stand right before that label. A
 * first dot that no letter-led label follows in the host's reach starts no host.
 */
export function urlStarts(text: string): number[] {
  const starts: number[] = [];
  for (const q of positionsOf(text, '.')) {
    // The first label's dot is followed by the next label or the top-level domain.
    if (!isAsciiAlnum(text.charCodeAt(q + 1))) {
      continue;
    }
    let r = q;
    while (r > q - MAX_LABEL - 1 && r > 0) {
      const code = text.charCodeAt(r - 1);
      if (!isAsciiAlnum(code) && code !== 45) {
        break;
      }
      r--;
    }
    if (r === q || q - r > MAX_LABEL || !hasLetterLabel(text, q)) {
      continue;
    }
    starts.push(r);
    if (text.startsWith('://', r - 3)) {
      starts.push(r - 7, r - 8, r - 6);
    }
  }
  return starts;
}

export const urlRecognizer: Recognizer = {
  entity: 'URL',
  context: ['url', 'link', 'website', 'site', 'web', 'homepage', 'domain'],
  // urlStarts finds the dots that can end a host's first label.
  mayMatch: () => true,
  find(text, _ctx, out) {
    forEachMatchAt(URL_AT, text, urlStarts(text), (m) => {
      if (!hasPublicSuffix(m[2])) {
        return;
      }
      const withScheme = m[1] !== undefined;
      let start = m.index;
      let end = start + m[0].length;
      if (m[3] !== undefined) {
        const trimmed = m[0].replace(TRAILING_PUNCTUATION, '');
        end = start + trimmed.length;
      }
      // Presidio's pattern takes a quote that wraps a scheme URL; matching it keeps spans equal.
      const before = text[start - 1];
      if (withScheme && (before === '"' || before === "'") && text[end] === before) {
        start--;
        end++;
      }
      out.push({ entity: 'URL', start, end, score: withScheme ? 0.6 : 0.5 });
    });
  },
};
