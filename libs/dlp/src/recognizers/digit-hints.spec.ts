import fc from 'fast-check';
import type { Recognizer, RecognizerContext } from '../engine/recognizer';
import type { Finding } from '../types';
import { creditCardRecognizer } from './credit-card.recognizer';
import { deTaxIdRecognizer } from './de-tax-id.recognizer';
import { frInseeRecognizer } from './fr-insee.recognizer';
import { ukNhsRecognizer } from './uk-nhs.recognizer';
import { ukNinoRecognizer } from './uk-nino.recognizer';
import { usSsnRecognizer } from './us-ssn.recognizer';

const ctx: RecognizerContext = {
  phone: { regions: ['US'], leniency: 'VALID' },
  settled: () => [],
  mayBoost: () => true,
};

function findings(recognizer: Recognizer, text: string): Finding[] {
  const out: Finding[] = [];
  recognizer.find(text, ctx, out);
  return out;
}

/** Texts of digit groups, the separators the number formats use, and letters around them. */
const texts = fc
  .array(
    fc.constantFrom(
      ...[
        '1',
        '4',
        '7',
        '9',
        '0',
        '12',
        '34',
        '56',
        '345',
        '2A',
        '943 476 5919',
        '4111111111111111',
      ],
      ...[
        ' ',
        '-',
        '.',
        '/',
        'AB',
        'JG',
        'QQ',
        'C',
        'd',
        'x',
        '+',
        'JG12',
        'JG 12 34 56 ',
        'AB123456',
      ],
    ),
    { maxLength: 16 },
  )
  .map((p) => p.join(''));

describe('digit hints', () => {
  it('let NHS and NINO patterns run on every text they find something in', () => {
    const hits = { nhs: 0, nino: 0 };
    fc.assert(
      fc.property(texts, (text) => {
        for (const [key, r] of [
          ['nhs', ukNhsRecognizer],
          ['nino', ukNinoRecognizer],
        ] as const) {
          if (findings(r, text).length > 0) {
            hits[key]++;
            expect([text, r.mayMatch(text)]).toEqual([text, true]);
          }
        }
      }),
      { numRuns: 30_000 },
    );
    expect(hits.nhs).toBeGreaterThan(200);
    expect(hits.nino).toBeGreaterThan(50);
  });

  it('answer each recognizer as its own hint alone does, text after text', () => {
    const plain: [Recognizer, RegExp][] = [
      [usSsnRecognizer, /\d\d\d[- .]?\d\d[- .]?\d\d\d\d/],
      [deTaxIdRecognizer, /\d\d ?\d\d\d ?\d\d\d ?\d\d\d/],
      [frInseeRecognizer, /\d\d ?(?:\d\d|2[AB]) ?\d\d\d ?\d\d\d ?\d\d/],
      [creditCardRecognizer, /\d\d\d\d\d\d\d|\d\d\d\d[ -]\d\d\d/],
    ];
    let hits = 0;
    fc.assert(
      fc.property(texts, texts, (first, second) => {
        for (const text of [first, second, first]) {
          const expected = plain.map(([, hint]) => hint.test(text));
          hits += expected.filter(Boolean).length;
          expect([text, plain.map(([r]) => r.mayMatch(text))]).toEqual([text, expected]);
        }
      }),
      { numRuns: 10_000 },
    );
    expect(hits).toBeGreaterThan(5_000);
  });
});
