import { forEachMatch, type Recognizer } from '../engine/recognizer';
import { nhsValid } from '../validators/nhs.validator';

/** 3-3-4 digits, optionally split by one kind of space or dash; mod 11 decides. */
const NHS = /(?<![\w-])\d{3}([- ]?)\d{3}\1\d{4}(?![\w-])/g;

export const ukNhsRecognizer: Recognizer = {
  entity: 'UK_NHS',
  context: ['nhs', 'health', 'patient', 'national health service', 'medical'],
  mayMatch: () => true,
  find(text, _ctx, out) {
    forEachMatch(NHS, text, (m) => {
      if (nhsValid(m[0])) {
        out.push({ entity: 'UK_NHS', start: m.index, end: m.index + m[0].length, score: 0.5 });
      }
    });
  },
};
