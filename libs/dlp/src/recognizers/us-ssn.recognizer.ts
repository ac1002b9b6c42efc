import { DIGIT_HINTS } from '../engine/hint-union';
import { forEachMatch, type Recognizer } from '../engine/recognizer';
import { ssnValid } from '../validators/ssn.validator';

/**
 * Presidio's SSN shapes: 3-2-4 with one delimiter kind (medium), and the weak 5-4, 3-6 and
 * bare 9-digit forms that only context makes likely. Digits spelt out, as in DE_TAX_ID.
 */
const SSN =
  /(?<![\w.-])(?:\d\d\d([- .])\d\d\1\d\d\d\d|\d\d\d[- .]\d\d[- .]\d\d\d\d|\d\d\d\d\d-\d\d\d\d|\d\d\d-\d\d\d\d\d\d|\d\d\d\d\d\d\d\d\d)(?![\w-]|\.\d)/g;

/** Nine digits with at most two single separators: every form above, without the lookarounds. */
const SSN_SHAPE = /\d\d\d[- .]?\d\d[- .]?\d\d\d\d/;
const hasSsnShape = DIGIT_HINTS.add(SSN_SHAPE);

export const usSsnRecognizer: Recognizer = {
  entity: 'US_SSN',
  context: ['social', 'security', 'ssn', 'ssns', 'ssid', 'ss#'],
  mayMatch: hasSsnShape,
  find(text, _ctx, out) {
    forEachMatch(SSN, text, (m) => {
      if (!ssnValid(m[0])) {
        return;
      }
      const medium = m[1] !== undefined;
      out.push({
        entity: 'US_SSN',
        start: m.index,
        end: m.index + m[0].length,
        score: medium ? 0.5 : 0.1,
      });
    });
  },
};
