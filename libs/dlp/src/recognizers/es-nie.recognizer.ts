import { hasSevenDigits } from '../engine/digit-runs';
import { esNieValid } from '../validators/national-id.validators';
import { checkedPatternRecognizer } from './checked-pattern';

/** X, Y or Z, seven digits (spelt out, as for ES_NIF), an optional dash, the control letter. */
const ES_NIE = /(?<![\w+.,/-])[XYZxyz]\d\d\d\d\d\d\d-?[A-Za-z](?![\w-])/g;
const NIE_HINT = /[XYZxyz]\d\d\d\d\d\d\d/;

export const esNieRecognizer = checkedPatternRecognizer({
  entity: 'ES_NIE',
  pattern: ES_NIE,
  valid: esNieValid,
  score: 0.85,
  context: ['nie', 'extranjero', 'extranjeros', 'identificacion', 'residencia'],
  mayMatch: (text) => hasSevenDigits(text) && NIE_HINT.test(text),
});
