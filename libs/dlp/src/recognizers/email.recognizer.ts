import { forEachMatchAt, positionsOf, stickyCopy } from '../engine/anchored-match';
import { isAsciiAlnum, type Recognizer } from '../engine/recognizer';
import { hasPublicSuffix, isReservedExampleDomain } from '../validators/domain.validator';

/** Local part, then labels; bounded repeats keep the scan linear. The domain is checked after. */
export const EMAIL =
  /(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z][A-Za-z0-9-]{0,61}[A-Za-z0-9])(?![\w-]|\.[A-Za-z0-9])/g;

const EMAIL_AT = stickyCopy(EMAIL);
/** The longest local part the pattern takes. */
const MAX_LOCAL = 64;

function isLocalChar(code: number): boolean {
  // A-Z a-z 0-9 . _ % + -, as in the pattern's local part.
  return (
    isAsciiAlnum(code) || code === 46 || code === 95 || code === 37 || code === 43 || code === 45
  );
}

/**
 * Where an address can start: the lookbehind rules out a local-part character before the start,
 * so it is the beginning of the run of them that ends at an `@` (if that run is short enough).
 */
export function emailStarts(text: string): number[] {
  const starts: number[] = [];
  for (const q of positionsOf(text, '@')) {
    let p = q;
    while (p > 0 && q - p <= MAX_LOCAL && isLocalChar(text.charCodeAt(p - 1))) {
      p--;
    }
    if (p < q && q - p <= MAX_LOCAL) {
      starts.push(p);
    }
  }
  return starts;
}

export const emailRecognizer: Recognizer = {
  entity: 'EMAIL_ADDRESS',
  context: ['email', 'e-mail', 'mail', 'contact'],
  mayMatch: (text) => text.includes('@'),
  find(text, _ctx, out) {
    forEachMatchAt(EMAIL_AT, text, emailStarts(text), (m) => {
      // Reserved example names count too: test and staging stores are full of them.
      if (hasPublicSuffix(m[1]) || isReservedExampleDomain(m[1])) {
        out.push({ entity: 'EMAIL_ADDRESS', start: m.index, end: m.index + m[0].length, score: 1 });
      }
    });
  },
};
