import { forEachMatch, type Recognizer } from '../engine/recognizer';
import { hasPublicSuffix } from '../validators/domain.validator';

/** Local part, then labels; bounded repeats keep the scan linear. The domain is checked after. */
const EMAIL =
  /(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z][A-Za-z0-9-]{0,61}[A-Za-z0-9])(?![\w-]|\.[A-Za-z0-9])/g;

export const emailRecognizer: Recognizer = {
  entity: 'EMAIL_ADDRESS',
  context: ['email', 'e-mail', 'mail', 'contact'],
  mayMatch: (text) => text.includes('@'),
  find(text, _ctx, out) {
    forEachMatch(EMAIL, text, (m) => {
      if (hasPublicSuffix(m[1])) {
        out.push({ entity: 'EMAIL_ADDRESS', start: m.index, end: m.index + m[0].length, score: 1 });
      }
    });
  },
};
