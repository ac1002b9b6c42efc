import { itFiscalCodeValid } from '../validators/national-id.validators';
import { checkedPatternRecognizer } from './checked-pattern';

/**
 * Surname and name letters, birth date and place (digits or their homocode letters), check
 * letter; in capitals, as the code is printed.
 */
const IT_FISCAL_CODE =
  /(?<![\w-])[A-Z]{6}[\dLMNPQRSTUV]\d[ABCDEHLMPRST][\dLMNPQRSTUV]{2}[A-Z][\dLMNPQRSTUV]{3}[A-Z](?![\w-])/g;
/** Six capitals, then the year: the code's start. */
const CF_START = /[A-Z]{6}[\dL-V]\d/;
/**
 * Year, month letter, day: a code with six or seven of its digits replaced is left out. Fewer
 * texts hold this than six capitals (log lines' DELETE, PATCH), and the engine scans a text for
 * it in two thirds of the instructions, so it is asked first.
 */
const CF_HINT = /\d[A-EHLMPR-T][\dL-V]{2}[A-Z]/;

export const itFiscalCodeRecognizer = checkedPatternRecognizer({
  entity: 'IT_FISCAL_CODE',
  pattern: IT_FISCAL_CODE,
  valid: itFiscalCodeValid,
  score: 1,
  context: ['codice', 'fiscale', 'cf', 'tax', 'fiscal'],
  // Homocodes replace digits with letters from the right (town, then day, then year), six or
  // seven of them almost never.
  mayMatch: (text) => CF_HINT.test(text) && CF_START.test(text),
});
