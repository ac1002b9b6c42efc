import { forEachMatch, type Recognizer } from '../engine/recognizer';
import { luhnValid } from '../validators/luhn.validator';

/**
 * Presidio's card pattern: issuer-like first digits, 13 to 19 digits in groups split by an
 * optional space or dash; 13-digit numbers starting with 1 are excluded. Luhn decides.
 */
const CARD =
  /(?<![\w-])(?!1\d{12}(?!\d))(?:4\d{3}|5[0-5]\d{2}|6\d{3}|1\d{3}|3\d{3}|2[2-7]\d{2})[- ]?\d{3,4}[- ]?\d{3,4}[- ]?\d{3,5}(?![\w-])/g;

export const creditCardRecognizer: Recognizer = {
  entity: 'CREDIT_CARD',
  context: ['credit', 'card', 'visa', 'mastercard', 'amex', 'cc', 'pan', 'debit'],
  mayMatch: () => true,
  find(text, _ctx, out) {
    forEachMatch(CARD, text, (m) => {
      const seps = m[0].replace(/\d/g, '');
      if (new Set(seps).size > 1 || !luhnValid(m[0])) {
        return;
      }
      out.push({ entity: 'CREDIT_CARD', start: m.index, end: m.index + m[0].length, score: 1 });
    });
  },
};
