import { hasContextBefore } from '../engine/context';
import { DIGIT_HINTS } from '../engine/hint-union';
import { forEachMatch, type Recognizer } from '../engine/recognizer';
import { nhsValid } from '../validators/nhs.validator';

/**
 * 3-3-4 digits, optionally split by one kind of space or dash; mod 11 decides. Each form is
 * spelt out (the character after the first three digits tells which applies): the engine skips
 * ahead over a text faster than with repeat counts and a back reference.
 */
const NHS =
  /(?<![\w-])(?:\d\d\d\d\d\d\d\d\d\d|\d\d\d-\d\d\d-\d\d\d\d|\d\d\d \d\d\d \d\d\d\d)(?![\w-])/g;
/** The three forms without what stands around them: every match holds one. */
export const NHS_HINT = /\d\d\d\d\d\d\d\d\d\d|\d\d\d-\d\d\d-\d\d\d\d|\d\d\d \d\d\d \d\d\d\d/;

/**
 * One ten-digit number in eleven passes mod 11, and 3-3-4 is how North American phone numbers
 * are written: without a context word a match stays below the default threshold. With one it
 * outranks a phone number that a word like "number" lifts.
 */
const SCORE = 0.25;
const SCORE_IN_CONTEXT = 0.5;
const CONTEXT = ['nhs', 'health', 'patient', 'national health service', 'medical'];

export const ukNhsRecognizer: Recognizer = {
  entity: 'UK_NHS',
  context: CONTEXT,
  mayMatch: DIGIT_HINTS.add(NHS_HINT),
  find(text, _ctx, out) {
    forEachMatch(NHS, text, (m) => {
      if (nhsValid(m[0])) {
        out.push({
          entity: 'UK_NHS',
          start: m.index,
          end: m.index + m[0].length,
          score: hasContextBefore(CONTEXT, text, m.index) ? SCORE_IN_CONTEXT : SCORE,
        });
      }
    });
  },
};
