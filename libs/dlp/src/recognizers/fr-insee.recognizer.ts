import { DIGIT_HINTS } from '../engine/hint-union';
import { frInseeValid } from '../validators/national-id.validators';
import { checkedPatternRecognizer } from './checked-pattern';

/** Fifteen characters, in one block or spaced as 1 85 05 78 006 084 36. */
const FR_INSEE =
  /(?<![\w+.,/-])(?<!\d[ ])[1-478] ?\d\d ?(?:0[1-9]|1[0-2]|[2-9]\d) ?(?:\d\d|2[AB]) ?\d{3} ?\d{3} ?\d\d(?![\w-]|[ .,/]\d)/g;
const THIRTEEN = /\d\d ?(?:\d\d|2[AB]) ?\d\d\d ?\d\d\d ?\d\d/;

export const frInseeRecognizer = checkedPatternRecognizer({
  entity: 'FR_INSEE',
  pattern: FR_INSEE,
  valid: frInseeValid,
  score: 0.7,
  context: ['insee', 'nir', 'securite', 'sécurité', 'social', 'sociale', 'ssn', 'vitale'],
  mayMatch: DIGIT_HINTS.add(THIRTEEN),
});
