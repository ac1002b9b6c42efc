import { hasSevenDigits } from '../engine/digit-runs';
import { esNifValid } from '../validators/national-id.validators';
import { checkedPatternRecognizer } from './checked-pattern';

/**
 * Seven or eight digits, an optional dash, the control letter. Digits here are spelt out: the
 * engine skips ahead over a text about twice as fast as with a repeat count.
 */
const ES_NIF = /(?<![\w+.,/-])\d\d\d\d\d\d\d\d?-?[A-Za-z](?![\w-])/g;
const DIGITS_LETTER = /\d\d\d\d\d\d\d-?[A-Za-z]/;

export const esNifRecognizer = checkedPatternRecognizer({
  entity: 'ES_NIF',
  pattern: ES_NIF,
  valid: esNifValid,
  score: 0.85,
  context: ['dni', 'nif', 'documento', 'identidad', 'identificacion', 'fiscal'],
  mayMatch: (text) => hasSevenDigits(text) && DIGITS_LETTER.test(text),
});
