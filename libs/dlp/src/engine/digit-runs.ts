import { DIGIT_HINTS } from './hint-union';

/**
 * Whether a text holds seven digits in a row, asked by several recognizers of the same text
 * (Spanish NIF and NIE, US passport): one search answers them all, and most texts have no such
 * run, which is then the only search they get.
 */
const SEVEN_DIGITS = /\d\d\d\d\d\d\d/;
const sevenDigits = DIGIT_HINTS.add(SEVEN_DIGITS);

let lastText: string | undefined;
let lastAnswer = false;

export function hasSevenDigits(text: string): boolean {
  if (text !== lastText) {
    lastText = text;
    lastAnswer = sevenDigits(text);
  }
  return lastAnswer;
}
