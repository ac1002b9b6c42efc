import { DIGIT_HINTS } from '../engine/hint-union';
import { deTaxIdValid } from '../validators/national-id.validators';
import { checkedPatternRecognizer } from './checked-pattern';

/**
 * Eleven digits, in one block or as 2-3-3-3. Not after a `+` or another digit group, where the
 * digits are the rest of a phone number ("+49 30 123 456 789"). Digits are spelt out: the
 * engine skips ahead over a text about twice as fast as with repeat counts.
 */
const DE_TAX_ID = /(?<![\w+.,/-])(?<!\d[ ])[1-9]\d ?\d\d\d ?\d\d\d ?\d\d\d(?![\w-]|[ .,/]\d)/g;
const ELEVEN_DIGITS = /\d\d ?\d\d\d ?\d\d\d ?\d\d\d/;

export const deTaxIdRecognizer = checkedPatternRecognizer({
  entity: 'DE_TAX_ID',
  pattern: DE_TAX_ID,
  valid: deTaxIdValid,
  // The digit-count rule and the check digit pass about one random 11-digit number in 250.
  score: 0.5,
  context: [
    'steuer',
    'steuerid',
    'idnr',
    'identifikationsnummer',
    'tax',
    'tin',
    'steueridentifikationsnummer',
  ],
  mayMatch: DIGIT_HINTS.add(ELEVEN_DIGITS),
});
