import { scanText } from '../engine/scanner';
import { ENTITY_TYPES } from '../types';

/** Inputs built to make a backtracking pattern go quadratic or worse on each recognizer. */
const N = 50_000;
const ADVERSARIAL: Record<string, string> = {
  letters: 'a'.repeat(N),
  digits: '1'.repeat(N),
  spacedDigits: '1 '.repeat(N / 2),
  dashedDigits: '12-'.repeat(N / 3),
  hexColons: 'a:'.repeat(N / 2),
  dots: 'a.'.repeat(N / 2),
  atSigns: 'a@'.repeat(N / 2),
  emailish: `${'a'.repeat(N - 10)}@b.`,
  capitalised: 'Ab '.repeat(N / 3),
  keyword: 'password='.repeat(N / 9),
  base58: '1'.concat('A'.repeat(N)),
  jwtish: 'eyJ'.concat('a'.repeat(N)),
  pem: '-----BEGIN PRIVATE KEY-----'.concat('A'.repeat(N)),
  url: 'http://a.com/'.concat('a'.repeat(N)),
};

describe('linear-time patterns', () => {
  // PERSON loads its name lexicon on first use: a one-time cost the bound is not about.
  beforeAll(() => scanText('Dear Alice Smith', { entities: ['PERSON'] }));

  for (const [name, text] of Object.entries(ADVERSARIAL)) {
    it(`scans 50k chars of ${name} well under a second per entity`, () => {
      for (const entity of ENTITY_TYPES) {
        const t0 = performance.now();
        scanText(text, { entities: [entity], minScore: 0 });
        expect({ entity, fast: performance.now() - t0 < 500 }).toEqual({ entity, fast: true });
      }
    });
  }
});
