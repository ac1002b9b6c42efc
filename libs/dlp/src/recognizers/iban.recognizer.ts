import { isAsciiAlnum, type Recognizer } from '../engine/recognizer';
import { ibanLength, ibanValid } from '../validators/iban.validator';

/** Country code and check digits; the rest is read by country length below. */
const IBAN_START = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?=[ -]?[A-Z0-9])/g;

function isUpperAlnum(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90);
}

/**
 * Reads exactly the country's IBAN length of characters, in the usual groups of four
 * optionally split by one space or one dash (the same separator throughout).
 */
function readIban(text: string, start: number, length: number): number {
  let i = start;
  let n = 0;
  let sep = '';
  while (n < length && i < text.length) {
    const code = text.charCodeAt(i);
    if (isUpperAlnum(code)) {
      n++;
      i++;
      continue;
    }
    const ch = text[i];
    const atGroup = n % 4 === 0 && n > 0;
    if (atGroup && (ch === ' ' || ch === '-') && (sep === '' || sep === ch)) {
      sep = ch;
      i++;
      continue;
    }
    break;
  }
  if (n !== length || (i < text.length && isAsciiAlnum(text.charCodeAt(i)))) {
    return -1;
  }
  return i;
}

export const ibanRecognizer: Recognizer = {
  entity: 'IBAN_CODE',
  context: ['iban', 'bank', 'account', 'transfer', 'swift', 'sepa'],
  mayMatch: () => true,
  find(text, _ctx, out) {
    IBAN_START.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = IBAN_START.exec(text)) !== null) {
      const length = ibanLength(m[0].slice(0, 2));
      if (length === undefined) {
        continue;
      }
      const end = readIban(text, m.index, length);
      if (end > 0 && ibanValid(text.slice(m.index, end))) {
        out.push({ entity: 'IBAN_CODE', start: m.index, end, score: 1 });
        IBAN_START.lastIndex = end;
      }
    }
  },
};
