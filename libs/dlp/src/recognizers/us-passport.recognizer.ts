import { hasSevenDigits } from '../engine/digit-runs';
import { forEachMatch, type Recognizer } from '../engine/recognizer';

/**
 * Nine digits, or a letter and eight digits (next-generation books): weak without context.
 * Spelt out digit by digit, as the hint below.
 */
const PASSPORT = /(?<![\w-])(?:[A-Z]\d\d\d\d\d\d\d\d|\d\d\d\d\d\d\d\d\d)(?![\w-])/g;

/**
 * The pattern itself as the whole-text test: numbers of eight or more digits are common, and
 * after such a test the scanner would look for a context word in the whole text, which costs
 * more than this.
 */
const PASSPORT_ANYWHERE = new RegExp(PASSPORT.source);

export const usPassportRecognizer: Recognizer = {
  entity: 'US_PASSPORT',
  // Presidio also lists "us", which as the pronoun ("contact us about order 123456789") lifts
  // any nine-digit number.
  context: ['united', 'states', 'passport', 'passport#', 'travel', 'document'],
  maxScore: 0.1,
  mayMatch: (text) => hasSevenDigits(text) && PASSPORT_ANYWHERE.test(text),
  find(text, _ctx, out) {
    forEachMatch(PASSPORT, text, (m) => {
      const letter = m[0].charCodeAt(0) > 57;
      out.push({
        entity: 'US_PASSPORT',
        start: m.index,
        end: m.index + 9,
        score: letter ? 0.1 : 0.05,
      });
    });
  },
};
