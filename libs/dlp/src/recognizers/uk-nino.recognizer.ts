import { DIGIT_HINTS } from '../engine/hint-union';
import { forEachMatch, type Recognizer } from '../engine/recognizer';

/**
 * HMRC's National Insurance number: two prefix letters (D, F, I, Q, U, V never; O never second;
 * BG, GB, KN, NK, NT, TN, ZZ never issued), six digits, suffix A-D; spaces optional.
 */
const NINO =
  /(?<![\w])(?!(?:bg|gb|nk|kn|nt|tn|zz|BG|GB|NK|KN|NT|TN|ZZ))[A-CEGHJ-PR-TW-Za-ceghj-pr-tw-z][A-CEGHJ-NPR-TW-Za-ceghj-npr-tw-z] ?\d{2} ?\d{2} ?\d{2} ?[A-Da-d](?!\w)/g;
/** The six digits and the suffix letter, which every match ends with. */
export const NINO_HINT = /\d\d ?\d\d ?\d\d ?[A-Da-d](?!\w)/;

export const ukNinoRecognizer: Recognizer = {
  entity: 'UK_NINO',
  context: ['national insurance', 'nino', 'ni number', 'insurance', 'nin'],
  mayMatch: DIGIT_HINTS.add(NINO_HINT),
  find(text, _ctx, out) {
    forEachMatch(NINO, text, (m) => {
      // Presidio's pattern starts with `\b ?`, so after a word it takes the space too; same spans.
      const start =
        m.index >= 2 && text[m.index - 1] === ' ' && /\w/.test(text[m.index - 2])
          ? m.index - 1
          : m.index;
      out.push({ entity: 'UK_NINO', start, end: m.index + m[0].length, score: 0.5 });
    });
  },
};
